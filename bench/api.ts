/**
 * API overhead: an owner's `GET /api/v1/agents` through the whole Worker (wrangler's local
 * runtime, Hyperdrive, JWT verification, validation, JSON) against the same SQL query sent
 * straight to the same database from Node: the baseline, measured in the same run.
 */
import postgres from "postgres";
import { createTestHarness } from "wrangler";
import { startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.ts";
import { migrate } from "../scripts/lib/migrate.ts";
import { ms, time } from "./lib/stats.ts";

const N = Number(process.env.BENCH_N ?? 300);
const SECRET = "bench-secret-0123456789abcdef0123456789";

const external = process.env.DATABASE_URL;
const embedded = external ? undefined : await startEmbeddedPostgres();
const url = external ?? embedded?.url ?? "";
await migrate(url);
process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = url;

const server = createTestHarness({
  workers: [
    {
      configPath: new URL("../wrangler.toml", import.meta.url).pathname,
      vars: { ENVIRONMENT: "development" },
      secrets: { SUPABASE_JWT_SECRET: SECRET },
    },
  ],
});
const base = (await server.listen()).url.toString().replace(/\/$/, "");
const post = (path: string, body: unknown, token?: string) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });

const signIn = (await (
  await post("/api/v1/dev/sign-in", { email: `bench-${Date.now()}@example.com` })
).json()) as { access_token: string; user: { id: string } };
const token = signIn.access_token;
for (let i = 0; i < 20; i++)
  await post("/api/v1/agents", { name: `Agent ${i}`, template_id: "sales" }, token);

const sql = postgres(url, { max: 1 });
const tenant = signIn.user.id;
const direct = await time(
  () =>
    sql`select *, count(*) over ()::int as total from agents where owner_id = ${tenant} order by created_at desc, id limit 50`,
  N,
);
const viaApi = await time(async () => {
  const res = await fetch(`${base}/api/v1/agents`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`GET /api/v1/agents answered ${res.status}`);
  await res.arrayBuffer();
}, N);
const health = await time(async () => (await fetch(`${base}/health`)).arrayBuffer(), N);
const noDb = await time(async () => (await fetch(`${base}/api/v1/no-such-route`)).arrayBuffer(), N);

console.log(
  `\napi: list 20 agents, ${N} sequential requests, ${external ? "external Postgres" : "embedded PGlite"}`,
);
console.log(`  baseline  direct SQL from Node      p50 ${ms(direct.p50)}  p99 ${ms(direct.p99)}`);
console.log(`  product   GET /api/v1/agents        p50 ${ms(viaApi.p50)}  p99 ${ms(viaApi.p99)}`);
console.log(`  product   GET /health (SQL + R2)    p50 ${ms(health.p50)}  p99 ${ms(health.p99)}`);
console.log(`  product   404 route (no database)   p50 ${ms(noDb.p50)}  p99 ${ms(noDb.p99)}`);
console.log(
  `  added by the Worker: p50 +${ms(viaApi.p50 - direct.p50)} (ratio ${(viaApi.p50 / direct.p50).toFixed(2)}x), p99 +${ms(viaApi.p99 - direct.p99)}`,
);

await sql.end();
await server.close();
await embedded?.stop();
