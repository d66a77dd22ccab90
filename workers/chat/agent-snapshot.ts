/**
 * What a chat session keeps of its agent, taken at chat/init: the effective system prompt
 * (template prompt, then the owner's override) and the configs. Later edits to the agent apply
 * to new sessions, so a conversation never changes persona halfway.
 */
import { z } from "zod";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../shared/config.ts";

/** An MCP server the agent may call, with only its enabled tools (workers/agent/tools/mcp.ts). */
export const McpServerSnapshotSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  /** The bearer token, still encrypted (decrypted only for the call). */
  token_encrypted: z.string().nullable(),
  tools: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      input_schema: z.record(z.string(), z.unknown()),
    }),
  ),
});
export type McpServerSnapshot = z.infer<typeof McpServerSnapshotSchema>;

export const AgentSnapshotSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  system_prompt: z.string(),
  execution_config: ExecutionConfigSchema,
  query_config: QueryConfigSchema,
  /** Advanced mode's MCP servers (absent in sessions started before they existed). */
  mcp_servers: z.array(McpServerSnapshotSchema).default([]),
});
export type AgentSnapshot = z.infer<typeof AgentSnapshotSchema>;

/** Template prompt and owner override joined; an agent with neither gets a plain helpful persona. */
export function effectiveSystemPrompt(
  agentName: string,
  templatePrompt: string | null,
  override: string | null,
): string {
  const parts = [templatePrompt, override]
    .map((p) => p?.trim())
    .filter((p): p is string => Boolean(p));
  return parts.length
    ? parts.join("\n\n")
    : `You are ${agentName}, a helpful assistant. Answer clearly and honestly.`;
}
