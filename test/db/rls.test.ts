import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PERMISSION_DENIED, asRole, connect, createOwner } from "./helpers.ts";

const sql = connect(4);
afterAll(() => sql.end());

/** One owner's rows in every owner table, inserted as the superuser. */
async function seedTenant(db: Sql, opts: { isPublic: boolean }) {
  const owner = await createOwner(db, { isPublic: opts.isPublic });
  const agent = async (name: string, is_public: boolean, is_active: boolean) =>
    (
      await db<
        { id: string }[]
      >`insert into agents (owner_id, name, system_prompt_override, is_public, is_active)
      values (${owner.id}, ${name}, 'secret prompt', ${is_public}, ${is_active}) returning id`
    )[0]?.id ?? "";
  const listed = await agent("Listed", true, true);
  const unlisted = await agent("Unlisted", false, true);
  const paused = await agent("Paused", true, false);
  const [doc] = await db<{ id: string }[]>`
    insert into documents (owner_id, name, content_type) values (${owner.id}, 'faq.md', 'text/markdown') returning id`;
  const documentId = doc?.id ?? "";
  await db`insert into document_agents (document_id, agent_id, owner_id) values (${documentId}, ${listed}, ${owner.id})`;
  const conversationId = randomUUID();
  await db`insert into conversations (id, owner_id, agent_id, session_id) values (${conversationId}, ${owner.id}, ${listed}, 's1')`;
  await db`insert into messages (id, conversation_id, owner_id, role, content, seq)
    values (${randomUUID()}, ${conversationId}, ${owner.id}, 'user', 'hello', 1)`;
  await db`insert into mcp_servers (owner_id, agent_id, name, url, token_encrypted)
    values (${owner.id}, ${listed}, 'Orders', 'https://mcp.example.com/mcp', 'sealed')`;
  return { ...owner, agents: { listed, unlisted, paused }, documentId, conversationId };
}

type Tenant = Awaited<ReturnType<typeof seedTenant>>;
let a: Tenant;
let b: Tenant;
let hidden: Tenant;
beforeAll(async () => {
  a = await seedTenant(sql, { isPublic: true });
  b = await seedTenant(sql, { isPublic: true });
  hidden = await seedTenant(sql, { isPublic: false });
});

const OWNER_TABLES = [
  ["profiles", "id"],
  ["agents", "owner_id"],
  ["documents", "owner_id"],
  ["document_agents", "owner_id"],
  ["conversations", "owner_id"],
  ["messages", "owner_id"],
  ["mcp_servers", "owner_id"],
] as const;
const ALL_TABLES = [
  ...OWNER_TABLES,
  ["agent_templates", "id"],
  ["schema_migrations", "name"],
] as const;

describe("the anon role", () => {
  it.each(ALL_TABLES)(
    "is refused select, insert, update and delete on %s",
    async (table, column) => {
      const t = sql(table);
      const c = sql(column);
      await expect(asRole(sql, "anon", null, (tx) => tx`select * from ${t}`)).rejects.toMatchObject(
        PERMISSION_DENIED,
      );
      await expect(
        asRole(sql, "anon", null, (tx) => tx`insert into ${t} default values`),
      ).rejects.toMatchObject(PERMISSION_DENIED);
      await expect(
        asRole(sql, "anon", null, (tx) => tx`update ${t} set ${c} = ${c}`),
      ).rejects.toMatchObject(PERMISSION_DENIED);
      await expect(asRole(sql, "anon", null, (tx) => tx`delete from ${t}`)).rejects.toMatchObject(
        PERMISSION_DENIED,
      );
    },
  );

  it("reads public profiles but not private ones", async () => {
    const rows = await asRole(
      sql,
      "anon",
      null,
      (tx) =>
        tx`select username from public_profiles where username in ${sql([a.username, b.username, hidden.username])}`,
    );
    expect(rows.map((r) => r.username).sort()).toEqual([a.username, b.username].sort());
  });

  it("reads only the public, active agents of public profiles, without prompts or configs", async () => {
    const rows = await asRole(
      sql,
      "anon",
      null,
      (tx) =>
        tx`select * from public_agents where username in ${sql([a.username, b.username, hidden.username])}`,
    );
    expect(rows.map((r) => r.id).sort()).toEqual([a.agents.listed, b.agents.listed].sort());
    expect(rows.columns.map((col) => col.name).sort()).toEqual([
      "created_at",
      "description",
      "icon",
      "id",
      "name",
      "username",
    ]);
    const profileColumns = await asRole(
      sql,
      "anon",
      null,
      async (tx) => (await tx`select * from public_profiles limit 0`).columns,
    );
    expect(profileColumns.map((col) => col.name).sort()).toEqual([
      "avatar_url",
      "description",
      "display_name",
      "social_links",
      "username",
    ]);
  });
});

describe("an authenticated owner", () => {
  const asA = <T>(fn: Parameters<typeof asRole<T>>[3]) => asRole(sql, "authenticated", a.id, fn);

  it.each(OWNER_TABLES)("sees only its own rows in %s", async (table, column) => {
    const owners = await asA(
      (tx) => tx<{ owner: string }[]>`select ${sql(column)} as owner from ${sql(table)}`,
    );
    expect(owners.length).toBeGreaterThan(0);
    expect(new Set(owners.map((r) => r.owner))).toEqual(new Set([a.id]));
  });

  it.each(OWNER_TABLES)(
    "updates its own rows in %s and none of another owner's",
    async (table, column) => {
      const update = (owner: string) =>
        asA(
          (tx) =>
            tx`update ${sql(table)} set ${sql(column)} = ${sql(column)} where ${sql(column)} = ${owner}`,
        );
      expect((await update(a.id)).count).toBeGreaterThan(0);
      expect((await update(b.id)).count).toBe(0);
    },
  );

  it.each(OWNER_TABLES.filter(([t]) => t !== "profiles"))(
    "deletes none of another owner's rows in %s",
    async (table) => {
      const deleted = await asA((tx) => tx`delete from ${sql(table)} where owner_id = ${b.id}`);
      expect(deleted.count).toBe(0);
      const [left] = await sql<
        { n: number }[]
      >`select count(*)::int as n from ${sql(table)} where owner_id = ${b.id}`;
      expect(left?.n).toBeGreaterThan(0);
    },
  );

  it("cannot delete a profile, its own or another's", async () => {
    await expect(asA((tx) => tx`delete from profiles where id = ${a.id}`)).rejects.toMatchObject(
      PERMISSION_DENIED,
    );
  });

  it.each([
    ["profiles", () => ({ id: b.id, username: `x-${randomUUID().slice(0, 8)}` })],
    ["agents", () => ({ owner_id: b.id, name: "Planted" })],
    ["documents", () => ({ owner_id: b.id, name: "planted.md", content_type: "text/markdown" })],
    [
      "document_agents",
      () => ({ owner_id: b.id, document_id: b.documentId, agent_id: b.agents.unlisted }),
    ],
    ["conversations", () => ({ id: randomUUID(), owner_id: b.id, session_id: "planted" })],
    [
      "messages",
      () => ({
        id: randomUUID(),
        owner_id: b.id,
        conversation_id: b.conversationId,
        role: "user",
        content: "x",
        seq: 9,
      }),
    ],
  ] as const)("cannot insert a row owned by another owner into %s", async (table, row) => {
    await expect(asA((tx) => tx`insert into ${sql(table)} ${sql(row())}`)).rejects.toMatchObject(
      PERMISSION_DENIED,
    );
  });

  it.each([
    [
      "attach its document to another owner's agent",
      "document_agents",
      () => ({ owner_id: a.id, document_id: a.documentId, agent_id: b.agents.unlisted }),
    ],
    [
      "attach another owner's document to its agent",
      "document_agents",
      () => ({ owner_id: a.id, document_id: b.documentId, agent_id: a.agents.unlisted }),
    ],
    [
      "start a conversation with another owner's agent",
      "conversations",
      () => ({ id: randomUUID(), owner_id: a.id, agent_id: b.agents.listed, session_id: "x" }),
    ],
    [
      "write into another owner's conversation",
      "messages",
      () => ({
        id: randomUUID(),
        owner_id: a.id,
        conversation_id: b.conversationId,
        role: "user",
        content: "x",
        seq: 9,
      }),
    ],
  ] as const)("cannot %s", async (_what, table, row) => {
    await expect(asA((tx) => tx`insert into ${sql(table)} ${sql(row())}`)).rejects.toMatchObject({
      code: "23503",
    });
  });

  it("reads the active agent templates and the public views but cannot change templates", async () => {
    const templates = await asA((tx) => tx`select id from agent_templates`);
    expect(templates).toHaveLength(5);
    const agents = await asA(
      (tx) => tx`select id from public_agents where username = ${b.username}`,
    );
    expect(agents.map((r) => r.id)).toEqual([b.agents.listed]);
    await expect(
      asA((tx) => tx`update agent_templates set name = 'Hijacked'`),
    ).rejects.toMatchObject(PERMISSION_DENIED);
  });
});
