/**
 * WebSocket upgrades check Origin: the Worker's own origin, the ALLOWED_ORIGINS list, and in
 * development any localhost origin. Clients that send no Origin (scripts, servers) are not
 * browsers and cannot be used for cross-site socket hijacking; they still need the token.
 */
import type { WorkerEnv } from "../env.ts";

export function isOriginAllowed(origin: string | undefined, requestUrl: string, env: Pick<WorkerEnv, "ALLOWED_ORIGINS" | "ENVIRONMENT">): boolean {
  if (!origin) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.origin === new URL(requestUrl).origin) return true;
  const allowed = (env.ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim().replace(/\/+$/, "")).filter(Boolean);
  if (allowed.includes(parsed.origin) || allowed.includes("*")) return true;
  return env.ENVIRONMENT === "development" && (parsed.hostname === "localhost" || parsed.hostname === "127.0.0.1");
}
