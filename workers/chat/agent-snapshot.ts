/**
 * What a chat session keeps of its agent, taken at chat/init: the effective system prompt
 * (template prompt, then the owner's override) and the configs. Later edits to the agent apply
 * to new sessions, so a conversation never changes persona halfway.
 */
import { z } from "zod";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../shared/config.ts";

export const AgentSnapshotSchema = z.object({
  id: z.uuid(),
  tenant_id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  system_prompt: z.string(),
  execution_config: ExecutionConfigSchema,
  query_config: QueryConfigSchema,
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
