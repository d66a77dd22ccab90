/**
 * The embedded Postgres (PGlite behind a wire-protocol socket) is one database session shared
 * by every client connection. These tests hold it to what a real server guarantees when many
 * connections talk at once: extended-protocol queries (Parse/Bind/Execute/Sync) and
 * transactions of one connection are never interleaved with another's.
 */
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from "../../../scripts/lib/embedded-postgres.ts";

let db: EmbeddedPostgres;
let sql: postgres.Sql;

beforeAll(async () => {
  db = await startEmbeddedPostgres();
  sql = postgres(db.url, { max: 8, onnotice: () => {}, fetch_types: false });
  await sql`create table counters (id int primary key, n int not null)`;
  await sql`create table items (id serial primary key, owner int not null, label text not null)`;
}, 60_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await db?.stop();
});

describe("embedded Postgres with many connections at once", () => {
  it("answers 400 parameterised queries from 8 connections, each with its own result", async () => {
    const results = await Promise.all(
      Array.from(
        { length: 400 },
        (_, i) => sql<{ v: number; s: string }[]>`select ${i}::int as v, ${"row-" + i}::text as s`,
      ),
    );
    results.forEach((rows, i) => expect(rows[0]).toEqual({ v: i, s: `row-${i}` }));
  });

  it("keeps concurrent transactions whole: 40 transfers of 5 statements each leave exact totals", async () => {
    await sql`insert into counters (id, n) values (1, 0), (2, 0)`;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sql.begin(async (tx) => {
          await tx`update counters set n = n + 1 where id = 1`;
          await tx`insert into items (owner, label) values (${i}, ${"a"})`;
          await tx`insert into items (owner, label) values (${i}, ${"b"})`;
          await tx`update counters set n = n + 2 where id = 2`;
          const [row] = await tx<
            { c: number }[]
          >`select count(*)::int as c from items where owner = ${i}`;
          expect(row?.c).toBe(2);
        }),
      ),
    );
    const counters = await sql<{ id: number; n: number }[]>`select id, n from counters order by id`;
    expect(counters).toEqual([
      { id: 1, n: 40 },
      { id: 2, n: 80 },
    ]);
    const [{ c } = { c: -1 }] = await sql<{ c: number }[]>`select count(*)::int as c from items`;
    expect(c).toBe(80);
  });

  it("rolls back a failed transaction without touching another connection's work", async () => {
    const failing = sql
      .begin(async (tx) => {
        await tx`insert into items (owner, label) values (${-1}, ${"doomed"})`;
        await tx`select 1/0`;
      })
      .then(
        () => "committed",
        () => "rolled back",
      );
    const others = Promise.all(
      Array.from(
        { length: 20 },
        (_, i) => sql`insert into items (owner, label) values (${1000 + i}, ${"kept"})`,
      ),
    );
    expect(await failing).toBe("rolled back");
    await others;
    const [{ doomed, kept } = { doomed: -1, kept: -1 }] = await sql<
      { doomed: number; kept: number }[]
    >`
      select count(*) filter (where owner = -1)::int as doomed, count(*) filter (where owner >= 1000)::int as kept from items`;
    expect({ doomed, kept }).toEqual({ doomed: 0, kept: 20 });
  });
});
