/**
 * The arguments and environment `npm run dev` gives `wrangler dev`. Arguments: address and
 * port, any extra arguments, and `--var NAME:value` for every setting the Worker reads
 * (workers/env.ts WORKER_VARIABLES) that is set in the shell, so exporting a documented variable
 * works (README > Configuration). Wrangler splits `--var` at the first colon, so values with
 * colons (URLs) arrive whole. Environment: see wranglerDevEnv.
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

/**
 * What keeps `wrangler dev` quiet and offline, each overridable from the shell:
 * - WRANGLER_SEND_METRICS=false: no usage metrics sent (wrangler.toml says so too).
 * - CLOUDFLARE_CF_FETCH_ENABLED=false: no download of `Request.cf` data from
 *   workers.cloudflare.com (offline it printed a stack trace at each start); requests carry
 *   Miniflare's placeholder `cf` (country "US").
 * - WRANGLER_REGISTRY_PATH="": the machine-wide dev registry off. It lets one `wrangler dev`
 *   bind to another's Workers, which this Worker never does, and each change to it (this
 *   session registering, any other session or test starting or stopping) printed the bindings
 *   table again.
 * - WRANGLER_HIDE_BANNER=true: the banner is what asks npm for a newer wrangler on each start;
 *   scripts/dev.ts prints the version itself.
 */
export const QUIET_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_REGISTRY_PATH: "",
  WRANGLER_HIDE_BANNER: "true",
} as const;

/** The environment of the `wrangler dev` process: the shell's, quieted, with Hyperdrive on `databaseUrl`. */
export function wranglerDevEnv<E extends Record<string, string | undefined>>(
  env: E,
  databaseUrl: string,
) {
  return {
    ...QUIET_WRANGLER_ENV,
    ...env,
    CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
  };
}
