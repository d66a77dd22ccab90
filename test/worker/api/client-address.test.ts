/**
 * The address chat/init's limit is keyed on: CF-Connecting-IP where Cloudflare's edge sets it
 * (any deployed environment, or a harness that says it stands in for the edge), and one
 * address for every request under `wrangler dev`, where a client can make the header up.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { clientAddress, DEV_SERVER_ADDRESS } from "../../../workers/api/client-address.ts";
import type { AppEnv, WorkerEnv } from "../../../workers/env.ts";

const app = new Hono<AppEnv>().get("/", (c) => c.text(clientAddress(c)));
const addressOf = async (env: Partial<WorkerEnv>, header?: string) =>
  (await app.request("/", { headers: header ? { "cf-connecting-ip": header } : {} }, env)).text();

describe("clientAddress", () => {
  it("takes CF-Connecting-IP in production and staging, where the edge overwrites what a client sent", async () => {
    expect(await addressOf({ ENVIRONMENT: "production" }, "203.0.113.9")).toBe("203.0.113.9");
    expect(await addressOf({ ENVIRONMENT: "staging" }, "2001:db8::9")).toBe("2001:db8::9");
  });

  it("ignores the header in development: made-up addresses all count as the dev server's machine", async () => {
    const env = { ENVIRONMENT: "development" };
    const seen = new Set([
      await addressOf(env, "198.51.100.1"),
      await addressOf(env, "198.51.100.2"),
      await addressOf(env),
    ]);
    expect([...seen]).toEqual([DEV_SERVER_ADDRESS]);
  });

  it("trusts the header in development only when TRUST_CF_CONNECTING_IP is exactly true", async () => {
    expect(
      await addressOf(
        { ENVIRONMENT: "development", TRUST_CF_CONNECTING_IP: "true" },
        "198.51.100.1",
      ),
    ).toBe("198.51.100.1");
    expect(
      await addressOf({ ENVIRONMENT: "development", TRUST_CF_CONNECTING_IP: "1" }, "198.51.100.1"),
    ).toBe(DEV_SERVER_ADDRESS);
  });
});
