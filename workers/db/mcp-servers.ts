/**
 * MCP servers attached to agents. Owner queries take the tenant id first and filter by it, so
 * another tenant's agent or server id finds nothing (the API answers 404). The bearer token is
 * stored sealed (workers/agent/secret-box.ts) and leaves this module only as `has_token` for
 * owners, or still sealed in a chat session's snapshot (`enabledMcpServers`).
 */
import type { Sql, TransactionSql } from "postgres";
import { z } from "zod";
import { McpToolSchema } from "../../shared/api/mcp.ts";
import type { McpServer, McpTool } from "../../shared/api/mcp.ts";
import type { McpServerSnapshot } from "../chat/agent-snapshot.ts";
import { AppError } from "../errors.ts";
import { PG_UNIQUE_VIOLATION, isPgError, jsonWithoutNul, withoutNul } from "./client.ts";

type Db = Sql | TransactionSql;

interface Row {
  id: string;
  agent_id: string;
  name: string;
  url: string;
  token_encrypted: string | null;
  tools: unknown;
  listed_at: Date | null;
  last_error: string | null;
  created_at: Date;
}

const ToolsSchema = z.array(McpToolSchema);

/** A server as its owner sees it: the token only as `has_token`. */
function toServer(r: Row): McpServer {
  return {
    id: r.id,
    agent_id: r.agent_id,
    name: r.name,
    url: r.url,
    has_token: r.token_encrypted !== null,
    tools: ToolsSchema.parse(r.tools),
    listed_at: r.listed_at?.toISOString() ?? null,
    last_error: r.last_error,
    created_at: r.created_at.toISOString(),
  };
}

/** A server with its sealed token, for the routes that connect to it. */
export interface StoredMcpServer extends McpServer {
  token_encrypted: string | null;
}

const toStored = (r: Row): StoredMcpServer => ({
  ...toServer(r),
  token_encrypted: r.token_encrypted,
});

export const serverExists = (url: string) =>
  new AppError("MCP_SERVER_EXISTS", 409, `This agent already has the MCP server ${url}.`, [
    { field: "url", message: "already attached to this agent" },
  ]);

export async function listMcpServers(
  sql: Db,
  tenantId: string,
  agentId: string,
): Promise<McpServer[]> {
  const rows = await sql<Row[]>`
    select * from mcp_servers where owner_id = ${tenantId} and agent_id = ${agentId}
    order by created_at, id`;
  return rows.map(toServer);
}

export async function countMcpServers(sql: Db, tenantId: string, agentId: string) {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from mcp_servers where owner_id = ${tenantId} and agent_id = ${agentId}`;
  return row?.n ?? 0;
}

export async function getMcpServer(
  sql: Db,
  tenantId: string,
  agentId: string,
  serverId: string,
  forUpdate = false,
): Promise<StoredMcpServer | null> {
  const lock = forUpdate ? sql`for update` : sql``;
  const [row] = await sql<Row[]>`
    select * from mcp_servers
    where owner_id = ${tenantId} and agent_id = ${agentId} and id = ${serverId} ${lock}`;
  return row ? toStored(row) : null;
}

export interface McpServerWrite {
  name: string;
  url: string;
  token_encrypted: string | null;
  tools: McpTool[];
  listed_at: Date | null;
  last_error: string | null;
}

/** Inserts under a chosen id (the sealed token names it, so it is known before the insert). */
export async function insertMcpServer(
  sql: Db,
  tenantId: string,
  agentId: string,
  id: string,
  s: McpServerWrite,
): Promise<McpServer> {
  try {
    const [row] = await sql<Row[]>`
      insert into mcp_servers (id, owner_id, agent_id, name, url, token_encrypted, tools, listed_at, last_error)
      values (${id}, ${tenantId}, ${agentId}, ${withoutNul(s.name)}, ${s.url}, ${s.token_encrypted},
        ${jsonWithoutNul(s.tools)}::text::jsonb, ${s.listed_at}, ${withoutNul(s.last_error)})
      returning *`;
    if (!row) throw new Error("insert returned no row");
    return toServer(row);
  } catch (err) {
    if (isPgError(err, PG_UNIQUE_VIOLATION, "mcp_servers_agent_url_unique"))
      throw serverExists(s.url);
    throw err;
  }
}

export async function updateMcpServer(
  sql: Db,
  tenantId: string,
  agentId: string,
  serverId: string,
  s: Omit<McpServerWrite, "url">,
): Promise<McpServer | null> {
  const [row] = await sql<Row[]>`
    update mcp_servers set name = ${withoutNul(s.name)}, token_encrypted = ${s.token_encrypted},
      tools = ${jsonWithoutNul(s.tools)}::text::jsonb, listed_at = ${s.listed_at},
      last_error = ${withoutNul(s.last_error)}
    where owner_id = ${tenantId} and agent_id = ${agentId} and id = ${serverId} returning *`;
  return row ? toServer(row) : null;
}

export async function deleteMcpServer(
  sql: Db,
  tenantId: string,
  agentId: string,
  serverId: string,
): Promise<boolean> {
  const rows = await sql`
    delete from mcp_servers
    where owner_id = ${tenantId} and agent_id = ${agentId} and id = ${serverId} returning id`;
  return rows.length > 0;
}

/** A stored server row as read back through `to_jsonb` (getChatAgent's subselect). */
const SnapshotRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  token_encrypted: z.string().nullable(),
  tools: ToolsSchema,
});

/**
 * The servers a chat session's agent may call, from its stored rows (getChatAgent reads them
 * in the agent's own query): each with only its enabled tools, servers with none left out.
 * The token stays sealed.
 */
export function mcpSnapshots(rows: unknown): McpServerSnapshot[] {
  return z
    .array(SnapshotRowSchema)
    .parse(rows)
    .map((r) => ({
      id: r.id,
      name: r.name,
      url: r.url,
      token_encrypted: r.token_encrypted,
      tools: r.tools
        .filter((t) => t.enabled)
        .map(({ name, description, input_schema }) => ({ name, description, input_schema })),
    }))
    .filter((s) => s.tools.length > 0);
}
