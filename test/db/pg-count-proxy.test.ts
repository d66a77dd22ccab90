/**
 * bench/lib/pg-count-proxy.ts, which the chat bench's cost model counts Postgres queries with:
 * every query a client runs through it is counted once by kind (simple or extended protocol),
 * and the answers come back unchanged.
 */
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPgCountProxy } from "../../bench/lib/pg-count-proxy.ts";
import type { PgCountProxy } from "../../bench/lib/pg-count-proxy.ts";
import { testDatabase } from "./helpers.ts";

describe("the Postgres query-counting proxy", () => {
  let proxy: PgCountProxy;
  beforeAll(async () => {
    proxy = await startPgCountProxy(testDatabase.url);
  });
  afterAll(() => proxy.close());

  it("counts each query once by the protocol that carried it, and passes answers through", async () => {
    const sql = postgres(proxy.url, { max: 1, onnotice: () => {} });
    const delta = async (run: () => Promise<unknown>) => {
      const before = proxy.counts();
      await run();
      const after = proxy.counts();
      return { simple: after.simple - before.simple, extended: after.extended - before.extended };
    };
    try {
      // The driver's own queries on connecting are not what the steps below count.
      await sql`select 1`;
      let n: unknown;
      const first = async (rows: Promise<{ n: number }[]>) => void (n = (await rows)[0]?.n);
      expect(await delta(() => first(sql<{ n: number }[]>`select 1 + 1 as n`.simple()))).toEqual({
        simple: 1,
        extended: 0,
      });
      expect(n).toBe(2);
      expect(await delta(() => first(sql<{ n: number }[]>`select ${41}::int + 1 as n`))).toEqual({
        simple: 0,
        extended: 1,
      });
      expect(n).toBe(42);
      // A transaction: begin, the two selects, commit (postgres.js sends the commit as a portal).
      const tx = await delta(() =>
        sql.begin(async (t) => {
          await t`select ${1}::int as a`;
          await t`select ${2}::int as b`;
        }),
      );
      expect(tx.simple + tx.extended).toBe(4);
      expect(proxy.counts().connections).toBe(1);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
