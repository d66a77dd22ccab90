/**
 * `npm run dev`: the whole product on embedded defaults. Starts the embedded Postgres (unless
 * DATABASE_URL is set), applies migrations, then runs `wrangler dev` with Hyperdrive pointed at
 * that database and every Worker setting exported in the shell passed through, quiet and offline:
 * no metrics, update check, `Request.cf` download or dev registry (scripts/lib/wrangler-args.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDevVars } from "./lib/dev-vars.ts";
import { startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import type { EmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { migrate } from "./lib/migrate.ts";
import { wranglerDevArgs, wranglerDevEnv } from "./lib/wrangler-args.ts";

const root = new URL("..", import.meta.url).pathname;

ensureDevVars(join(root, ".dev.vars"));

let embedded: EmbeddedPostgres | undefined;
let databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  const port = process.env.NOOBLE_DB_PORT ? Number(process.env.NOOBLE_DB_PORT) : undefined;
  embedded = await startEmbeddedPostgres({
    dataDir: join(root, ".data/pglite"),
    ...(port ? { port } : {}),
  });
  databaseUrl = embedded.url;
  console.log(`embedded Postgres (PGlite) on ${databaseUrl} (data in .data/pglite)`);
}
const applied = await migrate(databaseUrl, (l) => console.log(`migrations: ${l}`));
console.log(applied.length ? `migrations: ${applied.length} applied` : "migrations: up to date");

const { version } = JSON.parse(
  readFileSync(join(root, "node_modules/wrangler/package.json"), "utf8"),
) as { version: string };
console.log(
  `wrangler ${version} (local mode: no metrics, no update check, no Request.cf download)`,
);

const wrangler = spawn(
  join(root, "node_modules/.bin/wrangler"),
  wranglerDevArgs(process.env, process.argv.slice(2)),
  { cwd: root, stdio: "inherit", env: wranglerDevEnv(process.env, databaseUrl) },
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  wrangler.kill("SIGTERM");
  await embedded?.stop().catch(() => {});
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 0));
