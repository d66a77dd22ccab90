/**
 * The agent a chat is started with. Unlike owner queries this is looked up by agent id alone,
 * because visitors have no tenant: the caller decides whether the agent may be chatted with
 * (public, active, on a public profile; or the owner's own test chat).
 */
import type { Sql } from "postgres";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../shared/config.ts";
import { effectiveSystemPrompt } from "../chat/agent-snapshot.ts";
import type { AgentSnapshot } from "../chat/agent-snapshot.ts";
import { mcpSnapshots } from "./mcp-servers.ts";

export interface ChatAgent {
  snapshot: AgentSnapshot;
  isPublic: boolean;
  isActive: boolean;
  ownerIsPublic: boolean;
}

interface Row {
  id: string;
  owner_id: string;
  name: string;
  description: string | null;
  system_prompt_override: string | null;
  template_prompt: string | null;
  execution_config: unknown;
  query_config: unknown;
  is_public: boolean;
  is_active: boolean;
  owner_is_public: boolean;
  mcp_servers: unknown;
}

export async function getChatAgent(sql: Sql, agentId: string): Promise<ChatAgent | null> {
  const [row] = await sql<Row[]>`
    select a.id, a.owner_id, a.name, a.description, a.system_prompt_override, t.system_prompt as template_prompt,
      a.execution_config, a.query_config, a.is_public, a.is_active, p.is_public as owner_is_public,
      (select coalesce(jsonb_agg(to_jsonb(m) order by m.created_at, m.id), '[]'::jsonb)
        from mcp_servers m where m.agent_id = a.id) as mcp_servers
    from agents a
    join profiles p on p.id = a.owner_id
    left join agent_templates t on t.id = a.template_id
    where a.id = ${agentId}`;
  if (!row) return null;
  const executionConfig = ExecutionConfigSchema.parse(row.execution_config);
  return {
    snapshot: {
      id: row.id,
      tenant_id: row.owner_id,
      name: row.name,
      description: row.description,
      system_prompt: effectiveSystemPrompt(
        row.name,
        row.template_prompt,
        row.system_prompt_override,
      ),
      execution_config: executionConfig,
      query_config: QueryConfigSchema.parse(row.query_config),
      // Only advanced mode calls tools: a simple agent's sessions carry no servers (nor tokens).
      mcp_servers: executionConfig.mode === "advanced" ? mcpSnapshots(row.mcp_servers) : [],
    },
    isPublic: row.is_public,
    isActive: row.is_active,
    ownerIsPublic: row.owner_is_public,
  };
}
