/**
 * Whose request this is, for limits keyed on the client's address. On Cloudflare the edge
 * sets CF-Connecting-IP and overwrites any value a client sent, so it is the client's address.
 * Under `wrangler dev` nothing overwrites it: miniflare fills it from the socket only when the
 * client sent none, so a made-up header would give each request a fresh limit. There every
 * request counts as this machine's (in practice the socket's address is 127.0.0.1 for all of
 * them), unless TRUST_CF_CONNECTING_IP says a harness standing in for the edge sets it.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env.ts";

/** The limit key for a request from the dev server's own machine. */
export const DEV_SERVER_ADDRESS = "dev-server";

export function clientAddress(c: Context<AppEnv>): string {
  const header = c.req.header("cf-connecting-ip");
  const trusted = c.env.ENVIRONMENT !== "development" || c.env.TRUST_CF_CONNECTING_IP === "true";
  if (!trusted) return DEV_SERVER_ADDRESS;
  return header ?? "unknown";
}
