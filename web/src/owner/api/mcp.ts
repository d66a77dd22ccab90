/** An agent's MCP servers (shared/api/mcp.ts): list, attach, change tools, refresh, remove. */
import { McpServerListSchema, McpServerSchema } from "../../../../shared/api/mcp.ts";
import type { CreateMcpServer, McpServer, UpdateMcpServer } from "../../../../shared/api/mcp.ts";
import { api } from "../../lib/api.ts";

const base = (agentId: string) => `/api/v1/agents/${encodeURIComponent(agentId)}/mcp-servers`;
const one = (agentId: string, serverId: string) =>
  `${base(agentId)}/${encodeURIComponent(serverId)}`;

export async function listMcpServers(agentId: string): Promise<McpServer[]> {
  return (await api(base(agentId), { schema: McpServerListSchema })).items;
}

export function attachMcpServer(agentId: string, body: CreateMcpServer): Promise<McpServer> {
  return api(base(agentId), { method: "POST", body, schema: McpServerSchema });
}

export function updateMcpServer(
  agentId: string,
  serverId: string,
  body: UpdateMcpServer,
): Promise<McpServer> {
  return api(one(agentId, serverId), { method: "PATCH", body, schema: McpServerSchema });
}

/** Lists the server's tools again (the ones still there keep their switch). */
export function refreshMcpServer(agentId: string, serverId: string): Promise<McpServer> {
  return api(`${one(agentId, serverId)}/refresh`, { method: "POST", schema: McpServerSchema });
}

export async function removeMcpServer(agentId: string, serverId: string): Promise<void> {
  await api(one(agentId, serverId), { method: "DELETE" });
}
