/**
 * Which browser origins may talk to the Worker, decided once for WebSockets and for CORS on the
 * REST API: the Worker's own origin, the ALLOWED_ORIGINS list (comma-separated, `*` for any),
 * and in development any localhost origin (a client being built on `localhost:3000` against
 * `npm run dev`).
 */
import type { WorkerEnv } from "../env.ts";

type OriginEnv = Pick<WorkerEnv, "ALLOWED_ORIGINS" | "ENVIRONMENT">;

/** ALLOWED_ORIGINS as a list of origins (trailing slashes ignored). */
export function allowedOrigins(env: OriginEnv): string[] {
  return (env.ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((o) => o.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

/** What `origin` (an Origin header that is present) is to a request for `requestUrl`. */
function classify(
  origin: string,
  requestUrl: string,
  env: OriginEnv,
): "own" | "allowed" | "refused" {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return "refused";
  }
  if (parsed.origin === new URL(requestUrl).origin) return "own";
  const allowed = allowedOrigins(env);
  if (allowed.includes(parsed.origin) || allowed.includes("*")) return "allowed";
  const localhost = parsed.hostname === "localhost" || parsed.hostname === "127.0.0.1";
  return env.ENVIRONMENT === "development" && localhost ? "allowed" : "refused";
}

/**
 * WebSocket upgrades. Clients that send no Origin (scripts, servers) are not browsers and cannot
 * be used for cross-site socket hijacking; they still need the token.
 */
export function isOriginAllowed(
  origin: string | undefined,
  requestUrl: string,
  env: OriginEnv,
): boolean {
  return !origin || classify(origin, requestUrl, env) !== "refused";
}

/**
 * CORS: the origin to echo in Access-Control-Allow-Origin, or null when the request needs no
 * CORS answer (no Origin, the Worker's own origin) or may not have one (any other origin). Only
 * an origin in its serialized form is echoed, exactly as the browser sent it.
 */
export function corsAllowedOrigin(
  origin: string | undefined,
  requestUrl: string,
  env: OriginEnv,
): string | null {
  if (!origin || classify(origin, requestUrl, env) !== "allowed") return null;
  return new URL(origin).origin === origin ? origin : null;
}
