import postgres from "postgres";
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations, migrate } from "../../scripts/lib/migrate.ts";
import { connect, createOwner, emptyDatabase, onEmbedded } from "./helpers.ts";

const TABLES = [
  "agent_templates",
  "agents",
  "conversations",
  "document_agents",
  "documents",
  "mcp_servers",
  "messages",
  "profiles",
];
const VIEWS = ["public_agents", "public_profiles"];

describe("migrations on an empty database", () => {
  let scratch: Awaited<ReturnType<typeof emptyDatabase>>;
  let sql: Sql;
  let firstRun: string[];
  beforeAll(async () => {
    scratch = await emptyDatabase();
    firstRun = await migrate(scratch.url);
    sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await sql?.end();
    await scratch?.drop();
  });

  it("applies every migration file in order and records each in schema_migrations", async () => {
    const files = (await listMigrations()).map((m) => m.name);
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(firstRun).toEqual(files);
    const recorded = await sql<
      { name: string }[]
    >`select name from schema_migrations order by name`;
    expect(recorded.map((r) => r.name)).toEqual(files);
  });

  it("creates every table with row-level security and the two public views", async () => {
    const tables = await sql<{ name: string; rls: boolean }[]>`
      select c.relname as name, c.relrowsecurity as rls from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'schema_migrations' order by 1`;
    expect(tables).toEqual(TABLES.map((name) => ({ name, rls: true })));
    const views = await sql<{ name: string }[]>`
      select table_name as name from information_schema.views where table_schema = 'public' order by 1`;
    expect(views.map((v) => v.name)).toEqual(VIEWS);
  });

  it("applies nothing when run again", async () => {
    expect(await migrate(scratch.url)).toEqual([]);
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from schema_migrations`;
    expect(row?.n).toBe(firstRun.length);
  });

  it("seeds the five agent templates with their configs", async () => {
    const rows = await sql<{ id: string; execution_config: { temperature?: number } }[]>`
      select id, execution_config from agent_templates where is_active order by sort_order`;
    expect(rows.map((r) => r.id)).toEqual([
      "receptionist",
      "sales",
      "technical-support",
      "personal-assistant",
      "educator",
    ]);
    for (const r of rows) expect(r.execution_config.temperature).toEqual(expect.any(Number));
  });
});

describe("two migrations started at once", () => {
  // PGlite serves every connection from one backend session, so its session-level advisory lock
  // is re-entrant for all of them and cannot serialize two runners; real PostgreSQL can.
  it.skipIf(onEmbedded)("apply each file exactly once between them", async () => {
    const scratch = await emptyDatabase();
    try {
      const runs = await Promise.all([migrate(scratch.url), migrate(scratch.url)]);
      expect([...runs[0], ...runs[1]].sort()).toEqual((await listMigrations()).map((m) => m.name));
    } finally {
      await scratch.drop();
    }
  });
});

describe("profile and agent constraints", () => {
  const sql = connect(2);
  afterAll(() => sql.end());
  const insertProfile = (username: string) =>
    sql`insert into profiles (id, username) values (${crypto.randomUUID()}, ${username})`;

  it.each(["api", "ws", "settings", "sign-in", "admin", "docs"])(
    "refuses the reserved username %s",
    async (name) => {
      await expect(insertProfile(name)).rejects.toMatchObject({ code: "23514" });
    },
  );

  it.each([
    ["uppercase", "Alice-Owner"],
    ["too short", "ab"],
    ["too long", "a".repeat(31)],
    ["a space", "two words"],
  ])("refuses a username with %s", async (_why, name) => {
    await expect(insertProfile(name)).rejects.toMatchObject({ code: "23514" });
  });

  it("accepts a 3- and a 30-character username and refuses a taken one", async () => {
    const stem = crypto.randomUUID().replace(/-/g, "");
    await insertProfile(stem.slice(0, 3));
    await insertProfile(stem.slice(0, 30));
    await expect(insertProfile(stem.slice(0, 30))).rejects.toMatchObject({ code: "23505" });
  });

  it("keeps agent names unique per owner but not across owners", async () => {
    const [a, b] = [await createOwner(sql), await createOwner(sql)];
    await sql`insert into agents (owner_id, name) values (${a.id}, 'Helper'), (${b.id}, 'Helper')`;
    await expect(
      sql`insert into agents (owner_id, name) values (${a.id}, 'Helper')`,
    ).rejects.toMatchObject({
      code: "23505",
      constraint_name: "agents_owner_name_unique",
    });
  });

  it("keeps a deleted agent's conversations, drops its document links, and deletes all of a deleted owner's rows", async () => {
    const owner = await createOwner(sql);
    const conversationId = crypto.randomUUID();
    const [agent] = await sql<
      { id: string }[]
    >`insert into agents (owner_id, name) values (${owner.id}, 'Gone') returning id`;
    const [doc] = await sql<{ id: string }[]>`
      insert into documents (owner_id, name, content_type) values (${owner.id}, 'a.txt', 'text/plain') returning id`;
    await sql`insert into document_agents (document_id, agent_id, owner_id) values (${doc?.id ?? ""}, ${agent?.id ?? ""}, ${owner.id})`;
    await sql`insert into conversations (id, owner_id, agent_id, session_id) values (${conversationId}, ${owner.id}, ${agent?.id ?? ""}, 's')`;
    await sql`insert into messages (id, conversation_id, owner_id, role, content, seq)
      values (${crypto.randomUUID()}, ${conversationId}, ${owner.id}, 'user', 'hi', 1)`;

    await sql`delete from agents where id = ${agent?.id ?? ""}`;
    expect(await sql`select agent_id from conversations where id = ${conversationId}`).toEqual([
      { agent_id: null },
    ]);
    expect(await sql`select 1 from document_agents where owner_id = ${owner.id}`).toHaveLength(0);

    await sql`delete from profiles where id = ${owner.id}`;
    const [left] = await sql<{ n: number }[]>`
      select (select count(*) from documents where owner_id = ${owner.id})
        + (select count(*) from conversations where owner_id = ${owner.id})
        + (select count(*) from messages where owner_id = ${owner.id}) as n`;
    expect(Number(left?.n)).toBe(0);
  });
});
