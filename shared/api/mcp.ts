/**
 * MCP servers an owner attaches to an agent (`/api/v1/agents/{agent_id}/mcp-servers`): a remote
 * server reached over streamable HTTP, with an optional bearer token (stored encrypted, never
 * sent back), the tools it lists, and which of them the agent may call in advanced mode.
 */
import { z } from "zod";
import { singleLineText } from "../text.ts";

/** The most MCP servers one agent may have. */
export const MCP_SERVERS_PER_AGENT = 5;

export const McpToolSchema = z.object({
  /** The tool's name on its server. */
  name: z.string(),
  description: z.string(),
  /** The JSON Schema of its arguments, as the server lists it. */
  input_schema: z.record(z.string(), z.unknown()),
  /** Whether the agent may call it (each tool is switched on by the owner). */
  enabled: z.boolean(),
});
export type McpTool = z.infer<typeof McpToolSchema>;

export const McpServerSchema = z.object({
  id: z.uuid(),
  agent_id: z.uuid(),
  name: z.string(),
  url: z.string(),
  has_token: z.boolean(),
  tools: z.array(McpToolSchema),
  /** When its tools were last listed, and what went wrong then (null: it answered). */
  listed_at: z.string().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
});
export type McpServer = z.infer<typeof McpServerSchema>;

const url = singleLineText()
  .min(1)
  .max(2000)
  .refine((u) => /^https?:\/\//i.test(u), "must be the server's http(s) URL");
const token = singleLineText().min(1).max(4000);

/** Attach a server: its tools are listed at once (the answer shows them, none enabled yet). */
export const CreateMcpServerSchema = z
  .object({ url, name: singleLineText().min(1).max(100).optional(), token: token.optional() })
  .strict();
export type CreateMcpServer = z.infer<typeof CreateMcpServerSchema>;

/** Change which tools are on, the name, or the token (null removes it). */
export const UpdateMcpServerSchema = z
  .object({
    name: singleLineText().min(1).max(100).optional(),
    token: token.nullable().optional(),
    enabled_tools: z.array(singleLineText().min(1).max(200)).max(100).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one field to change" });
export type UpdateMcpServer = z.infer<typeof UpdateMcpServerSchema>;

export const McpServerListSchema = z.object({ items: z.array(McpServerSchema) });
