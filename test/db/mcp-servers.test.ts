/**
 * The mcp_servers table (0011): a server belongs to an agent of the same owner, one URL once per
 * agent, and it goes when its agent goes.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { connect, createOwner } from "./helpers.ts";

const sql = connect(2);
afterAll(() => sql.end());

async function agentOf(db: Sql, ownerId: string): Promise<string> {
  const [row] = await db<{ id: string }[]>`
    insert into agents (owner_id, name) values (${ownerId}, ${`Agent ${Math.random()}`}) returning id`;
  return row?.id ?? "";
}

const attach = (ownerId: string, agentId: string, url = "https://mcp.example.com/mcp") =>
  sql`insert into mcp_servers (owner_id, agent_id, name, url)
    values (${ownerId}, ${agentId}, 'Orders', ${url}) returning id`;

describe("mcp_servers", () => {
  it("refuses a server on another owner's agent", async () => {
    const a = await createOwner(sql);
    const b = await createOwner(sql);
    const theirs = await agentOf(sql, b.id);
    await expect(attach(a.id, theirs)).rejects.toMatchObject({
      constraint_name: "mcp_servers_agent_same_owner",
    });
  });

  it("keeps one URL once per agent", async () => {
    const a = await createOwner(sql);
    const agent = await agentOf(sql, a.id);
    await attach(a.id, agent);
    await expect(attach(a.id, agent)).rejects.toMatchObject({
      constraint_name: "mcp_servers_agent_url_unique",
    });
    await attach(a.id, await agentOf(sql, a.id));
  });

  it("deletes an agent's servers with the agent", async () => {
    const a = await createOwner(sql);
    const agent = await agentOf(sql, a.id);
    await attach(a.id, agent);
    await sql`delete from agents where id = ${agent}`;
    const [left] = await sql<{ n: number }[]>`
      select count(*)::int as n from mcp_servers where agent_id = ${agent}`;
    expect(left?.n).toBe(0);
  });
});
