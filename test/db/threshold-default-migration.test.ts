/**
 * Migration 0008: agents that stored the old default similarity threshold (0.7, which under
 * the threshold's new meaning would drop most passages) get the new default; any other value
 * is the owner's choice and stays, and the agents' updated_at is not touched. The test database
 * already has every migration applied, so the file's SQL is run again on fresh rows.
 */
import { afterAll, describe, expect, it } from "vitest";
import { listMigrations } from "../../scripts/lib/migrate.ts";
import { CONFIG_LIMITS } from "../../shared/config.ts";
import { connect, createOwner } from "./helpers.ts";

const sql = connect(1);
afterAll(() => sql.end());

async function migration0008(): Promise<string> {
  const file = (await listMigrations()).find((m) => m.name.startsWith("0008_"));
  if (!file) throw new Error("migration 0008 is missing");
  return file.sql;
}

async function agentWith(
  ownerId: string,
  name: string,
  queryConfig: Record<string, string | number>,
) {
  const [row] = await sql<{ id: string }[]>`
    insert into agents (owner_id, name, query_config, updated_at) values (${ownerId}, ${name}, ${sql.json(queryConfig)}, '2024-01-02T03:04:05Z')
    returning id`;
  if (!row) throw new Error("insert failed");
  return row.id;
}

describe("migration 0008 (similarity threshold default)", () => {
  it("moves agents on the old default to the new one and leaves chosen values and edit times alone", async () => {
    const owner = await createOwner(sql);
    const onOldDefault = await agentWith(owner.id, "old default", {
      mode: "rag",
      similarity_threshold: 0.7,
    });
    const chosen = await agentWith(owner.id, "chosen", { mode: "rag", similarity_threshold: 0.5 });
    const unset = await agentWith(owner.id, "unset", { mode: "rag" });

    const migration = await migration0008();
    await sql.begin((tx) => tx.unsafe(migration));

    const rows = await sql<
      {
        id: string;
        query_config: { similarity_threshold?: number; mode?: string };
        updated_at: Date;
      }[]
    >`
      select id, query_config, updated_at from agents where owner_id = ${owner.id}`;
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(onOldDefault)?.query_config).toEqual({
      mode: "rag",
      similarity_threshold: CONFIG_LIMITS.similarityThreshold.default,
    });
    expect(byId.get(chosen)?.query_config.similarity_threshold).toBe(0.5);
    expect(byId.get(unset)?.query_config).toEqual({ mode: "rag" });
    for (const r of rows) expect(r.updated_at.toISOString()).toBe("2024-01-02T03:04:05.000Z");
  });

  it("leaves the updated_at trigger working afterwards", async () => {
    const owner = await createOwner(sql);
    const id = await agentWith(owner.id, "edited later", { similarity_threshold: 0.3 });
    await sql`update agents set name = 'renamed' where id = ${id}`;
    const [row] = await sql<{ updated_at: Date }[]>`select updated_at from agents where id = ${id}`;
    expect(row?.updated_at.getFullYear()).toBeGreaterThan(2024);
  });
});
