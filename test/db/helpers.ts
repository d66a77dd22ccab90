/** Connections, seed rows and role switching for the data-layer tests. */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import type { Sql, TransactionSql } from "postgres";
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { planTestDatabase } from "../support/database.ts";

/** The migrated test database the global setup prepared. */
export const testDatabase = await planTestDatabase();
export const onEmbedded = testDatabase.kind === "embedded";

/** A superuser pool on the test database; `max` above 1 lets queries overlap. */
export function connect(max = 10): Sql {
  return postgres(testDatabase.url, { max, onnotice: () => {} });
}

/**
 * A database with nothing in it: a second PGlite on the embedded path, a scratch database on the
 * external server otherwise. `drop()` removes it.
 */
export async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (onEmbedded) {
    const db = await startEmbeddedPostgres();
    return { url: db.url, drop: () => db.stop() };
  }
  const name = `nooble_mig_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
  await admin`create database ${admin(name)}`;
  const url = new URL(testDatabase.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin`drop database if exists ${admin(name)} with (force)`;
      await admin.end();
    },
  };
}

/** A fresh owner: a profile row with a unique username, inserted as the superuser. */
export async function createOwner(
  sql: Sql,
  opts: { isPublic?: boolean } = {},
): Promise<{ id: string; username: string }> {
  const id = randomUUID();
  const username = `o-${id.replace(/-/g, "").slice(0, 16)}`;
  await sql`insert into profiles (id, username, is_public) values (${id}, ${username}, ${opts.isPublic ?? true})`;
  return { id, username };
}

export type Role = "anon" | "authenticated";

const ROLLBACK = new Error("rollback");

/**
 * Runs `fn` as `role` inside a transaction, the way PostgREST does on Supabase: `set local role`
 * plus the JWT claims in `request.jwt.claims`. The transaction is always rolled back, so seed
 * data stays as it was; an error from `fn` rejects with that error.
 */
export async function asRole<T>(
  sql: Sql,
  role: Role,
  sub: string | null,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  const box: { outcome?: { value: T } } = {};
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local role ${role}`);
      if (sub)
        await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role })}, true)`;
      box.outcome = { value: await fn(tx) };
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
  if (!box.outcome) throw new Error("the transaction ended without a result");
  return box.outcome.value;
}

/** Postgres' "insufficient privilege" code: a missing grant or a row-level-security check. */
export const PERMISSION_DENIED = { code: "42501" };
