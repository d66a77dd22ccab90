/**
 * The arguments `npm run dev` gives `wrangler dev`: address and port, any extra arguments, and
 * `--var NAME:value` for every setting the Worker reads (workers/env.ts WORKER_VARIABLES) that
 * is set in the shell, so exporting a documented variable works (README > Configuration).
 * Wrangler splits `--var` at the first colon, so values with colons (URLs) arrive whole.
 */
import { WORKER_VARIABLES } from "../../workers/env.ts";

/** Settings in README > Configuration that only the dev script reads: never forwarded to the Worker. */
export const DEV_SCRIPT_SETTINGS = ["DATABASE_URL", "NOOBLE_DB_PORT", "PORT", "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE"] as const;

export function wranglerDevArgs(env: Record<string, string | undefined>, extra: string[] = []): string[] {
  const args = ["dev", "--ip", "127.0.0.1", "--port", env["PORT"] ?? "8787", ...extra];
  for (const name of WORKER_VARIABLES) {
    const value = env[name];
    if (value) args.push("--var", `${name}:${value}`);
  }
  return args;
}

/**
 * Environment for wrangler itself when it runs the Worker locally. Without
 * WRANGLER_DISABLE_REQUEST_BODY_DRAINING, `wrangler dev` wraps the Worker in a middleware that
 * reads every unread request body to its end before the response leaves: an upload refused by
 * its declared length (413) was answered only once the client had sent all of it, and a
 * client that declared 60 MB and sent 1 byte got no answer at all. Production has no such
 * middleware; this makes development behave the same.
 */
export const DEV_RUNTIME_ENV = { WRANGLER_DISABLE_REQUEST_BODY_DRAINING: "1" } as const;
