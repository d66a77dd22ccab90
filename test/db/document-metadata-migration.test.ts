/**
 * Migration 0007 on a database that already has documents: the ingestion job id moves out of
 * documents.metadata into its own column, and what else the metadata held stays, so the column
 * holds only what the client sent.
 */
import postgres from "postgres";
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations, migrate } from "../../scripts/lib/migrate.ts";
import { createOwner, emptyDatabase } from "./helpers.ts";

const MIGRATION = "0007_document_job_id_and_metadata.sql";

describe(`migration ${MIGRATION}`, () => {
  let scratch: Awaited<ReturnType<typeof emptyDatabase>>;
  let sql: Sql;
  beforeAll(async () => {
    scratch = await emptyDatabase();
    sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
    // The schema as it was before 0007, recorded as applied, so migrate() runs 0007 onwards.
    await sql`create table public.schema_migrations (name text primary key, applied_at timestamptz not null default now())`;
    for (const m of await listMigrations()) {
      if (m.name >= MIGRATION) break;
      await sql.begin(async (tx) => {
        await tx.unsafe(m.sql);
        await tx`insert into public.schema_migrations (name) values (${m.name})`;
      });
    }
  });
  afterAll(async () => {
    await sql?.end();
    await scratch?.drop();
  });

  it("moves job_id to its own column and leaves the rest of the metadata", async () => {
    const owner = await createOwner(sql);
    const [withJob, without] = [crypto.randomUUID(), crypto.randomUUID()];
    await sql`insert into documents (id, owner_id, name, content_type, metadata) values
      (${withJob}, ${owner.id}, 'a.txt', 'text', ${sql.json({ job_id: "job-1", note: "kept" })}),
      (${without}, ${owner.id}, 'b.txt', 'text', ${sql.json({ note: "only" })})`;

    expect(await migrate(scratch.url)).toContain(MIGRATION);
    const rows = await sql<
      { id: string; job_id: string | null; metadata: unknown }[]
    >`select id, job_id, metadata from documents order by name`;
    expect(rows).toEqual([
      { id: withJob, job_id: "job-1", metadata: { note: "kept" } },
      { id: without, job_id: null, metadata: { note: "only" } },
    ]);
  });
});
