/**
 * Postgres through Hyperdrive with the `postgres` driver. Hyperdrive pools connections at the
 * edge, so each request opens a small client and ends it when the response is done.
 */
import postgres from "postgres";
import type { Sql } from "postgres";
import { wellFormed } from "../../shared/text.ts";

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
  if (typeof err !== "object" || err === null || !("code" in err) || err.code !== code)
    return false;
  return (
    constraint === undefined || ("constraint_name" in err && err.constraint_name === constraint)
  );
}

/**
 * Postgres text and jsonb cannot hold NUL characters, which visitors, documents and LLMs can
 * produce: they are dropped, not the row. (A lone surrogate reaches a text column as U+FFFD,
 * the UTF-8 encoder's replacement.)
 */
export const withoutNul = (v: string | null | undefined): string | null =>
  v == null ? null : v.replaceAll("\u0000", "");

const jsonbSafe = (s: string) => wellFormed(s.replaceAll("\u0000", ""));

/**
 * JSON text for a `::text::jsonb` parameter, with NUL dropped from every string and key, and
 * lone surrogates (which JSON.stringify writes as `\ud800` escapes that jsonb refuses) replaced
 * by U+FFFD.
 */
export const jsonWithoutNul = (v: unknown): string =>
  JSON.stringify(v, (_key, value: unknown) => {
    if (typeof value === "string") return jsonbSafe(value);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return Object.fromEntries(Object.entries(value).map(([k, x]) => [jsonbSafe(k), x]));
    return value;
  });
