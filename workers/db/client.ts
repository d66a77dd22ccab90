/**
 * Postgres through Hyperdrive with the `postgres` driver. Hyperdrive pools connections at the
 * edge, so each request opens a small client and ends it when the response is done.
 */
import postgres from "postgres";
import type { Sql } from "postgres";

export function openDatabase(connectionString: string): Sql {
  return postgres(connectionString, {
    max: 5,
    // Hyperdrive caches type metadata; skipping the lookup saves a round trip per request.
    fetch_types: false,
    connect_timeout: 10,
    onnotice: () => {},
  });
}

/** Postgres error codes the API turns into clear answers. */
export const PG_UNIQUE_VIOLATION = "23505";
export const PG_FOREIGN_KEY_VIOLATION = "23503";

export function isPgError(err: unknown, code: string, constraint?: string): boolean {
  if (typeof err !== "object" || err === null || !("code" in err) || err.code !== code) return false;
  return constraint === undefined || ("constraint_name" in err && err.constraint_name === constraint);
}

/** Postgres text and jsonb cannot hold NUL characters, which visitors and clients can send: they are dropped, not the row. */
export const withoutNul = (v: string | null | undefined): string | null => (v == null ? null : v.replaceAll("\u0000", ""));

/** JSON text for a `::text::jsonb` parameter, with NUL characters dropped from every string value. */
export const jsonWithoutNul = (v: unknown): string => JSON.stringify(v, (_key, value: unknown) => (typeof value === "string" ? withoutNul(value) : value));
