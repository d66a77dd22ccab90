/**
 * Applies migrations/NNNN_*.sql in order, each in its own transaction, recording what ran in
 * public.schema_migrations. An advisory lock lets several processes start at once safely.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import postgres from "postgres";

const MIGRATIONS_DIR = new URL("../../migrations/", import.meta.url).pathname;
const LOCK_KEY = 724_310_001;

export async function listMigrations(): Promise<{ name: string; sql: string }[]> {
  const names = (await readdir(MIGRATIONS_DIR))
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(join(MIGRATIONS_DIR, name), "utf8") })),
  );
}

/** Applies pending migrations; returns the names it applied. */
export async function migrate(
  databaseUrl: string,
  log: (line: string) => void = () => {},
): Promise<string[]> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_KEY})`;
    await sql`create table if not exists public.schema_migrations (
      name text primary key, applied_at timestamptz not null default now())`;
    // Row-level security with no policy: on Supabase, whose default grants expose public tables
    // to the anon and authenticated roles, nobody but the migrating owner can read it.
    await sql`alter table public.schema_migrations enable row level security`;
    const done = new Set(
      (await sql<{ name: string }[]>`select name from public.schema_migrations`).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const m of await listMigrations()) {
      if (done.has(m.name)) continue;
      await sql.begin(async (tx) => {
        await tx.unsafe(m.sql);
        await tx`insert into public.schema_migrations (name) values (${m.name})`;
      });
      applied.push(m.name);
      log(`applied ${m.name}`);
    }
    await sql`select pg_advisory_unlock(${LOCK_KEY})`;
    return applied;
  } finally {
    await sql.end();
  }
}
