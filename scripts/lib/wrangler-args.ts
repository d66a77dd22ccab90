/**
 * The arguments `npm run dev` gives `wrangler dev`: address and port, any extra arguments, and
 * `--var NAME:value` for every setting the Worker reads (workers/env.ts WORKER_VARIABLES) that
 * is set in the shell, so exporting a documented variable works (README > Configuration).
 * Wrangler splits `--var` at the first colon, so values with colons (URLs) arrive whole.
 */
import { WORKER_VARIABLES } from "../../workers/env.ts";

/** Settings in README > Configuration that only the dev script reads: never forwarded to the Worker. */
export const DEV_SCRIPT_SETTINGS = [
  "DATABASE_URL",
  "NOOBLE_DB_PORT",
  "PORT",
  "CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE",
] as const;

export function wranglerDevArgs(
  env: Record<string, string | undefined>,
  extra: string[] = [],
): string[] {
  const args = ["dev", "--ip", "127.0.0.1", "--port", env["PORT"] ?? "8787", ...extra];
  for (const name of WORKER_VARIABLES) {
    const value = env[name];
    if (value) args.push("--var", `${name}:${value}`);
  }
  return args;
}
