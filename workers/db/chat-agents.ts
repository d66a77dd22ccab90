/**
 * The agent a chat is started with. Unlike owner queries this is looked up by agent id alone,
 * because visitors have no tenant: the caller decides whether the agent may be chatted with
 * (public, active, on a public profile; or the owner's own test chat).
 */
import type { Sql } from "postgres";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../shared/config.ts";
import { effectiveSystemPrompt } from "../chat/agent-snapshot.ts";
import type { AgentSnapshot } from "../chat/agent-snapshot.ts";

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
}

export async function getChatAgent(sql: Sql, agentId: string): Promise<ChatAgent | null> {
  const [row] = await sql<Row[]>`
    select a.id, a.owner_id, a.name, a.description, a.system_prompt_override, t.system_prompt as template_prompt,
      a.execution_config, a.query_config, a.is_public, a.is_active, p.is_public as owner_is_public
    from agents a
    join profiles p on p.id = a.owner_id
    left join agent_templates t on t.id = a.template_id
    where a.id = ${agentId}`;
  if (!row) return null;
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
      execution_config: ExecutionConfigSchema.parse(row.execution_config),
      query_config: QueryConfigSchema.parse(row.query_config),
      mcp_servers: [],
    },
    isPublic: row.is_public,
    isActive: row.is_active,
    ownerIsPublic: row.owner_is_public,
  };
}
