/** Chat REST bodies (paths of the original design). */
import { z } from "zod";
import { freeText, singleLineText } from "../text.ts";
import { MetadataSchema } from "../metadata.ts";
import { ExecutionModeSchema } from "../protocol/chat.ts";

/**
 * The longest visitor message a server takes unless CHAT_MAX_MESSAGE_CHARS says otherwise.
 * The server refuses a longer one (MESSAGE_TOO_LONG), never trims it; the web app counts
 * against this until chat/init tells it the server's own limit (`max_message_chars`).
 */
export const DEFAULT_MAX_MESSAGE_CHARS = 4000;

/**
 * `chat/init`, with the fields the original platform's clients send. `tenant_id` is only a
 * check (it must name the agent's owner, else the agent is "not found"), never where tenancy
 * comes from. `initial_message` starts the first turn at once, checked like a chat message
 * (length against CHAT_MAX_MESSAGE_CHARS, which is configuration, so in the route). Unknown
 * fields are still refused.
 */
export const ChatInitSchema = z
  .object({
    agent_id: singleLineText().min(1).max(100),
    tenant_id: singleLineText().min(1).max(100).optional(),
    user_id: singleLineText().min(1).max(200).optional(),
    initial_message: freeText().optional(),
    metadata: MetadataSchema.optional(),
  })
  .strict();

export const ChatInitResponseSchema = z.object({
  session_id: z.string(),
  session_token: z.string(),
  status: z.literal("initialized"),
  websocket_url: z.string(),
  agent_name: z.string(),
  expires_at: z.string(),
  /** The first turn's task, when `initial_message` was sent: `resume` it if a socket missed its frames. */
  task_id: z.string().optional(),
  /** The longest message this server takes, in characters (older servers: absent). */
  max_message_chars: z.number().int().min(1).optional(),
  /**
   * True when no language model serves this agent here: its answers quote its documents (the
   * offline extractive provider), which the chat says once instead of in every answer.
   */
  quotes_only: z.boolean().optional(),
});

export const ChatStatusSchema = z.object({
  session_id: z.string(),
  is_active: z.boolean(),
  message_count: z.number().int(),
  last_activity: z.string().nullable(),
  active_task_id: z.string().nullable(),
});

export const ChatTaskSchema = z
  .object({
    user_message: freeText(),
    execution_mode: ExecutionModeSchema.optional().describe(
      "simple or advanced; absent: the agent's own execution mode",
    ),
  })
  .strict();

export const ChatTaskResponseSchema = z.object({
  task_id: z.string(),
  status: z.literal("processing"),
});
