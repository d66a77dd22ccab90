/** Chat REST bodies (paths of the original design). */
import { z } from "zod";
import { ExecutionModeSchema } from "../protocol/chat.ts";

export const ChatInitSchema = z
  .object({
    agent_id: z.string().min(1).max(100),
    user_id: z.string().min(1).max(200).optional(),
    metadata: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

export const ChatInitResponseSchema = z.object({
  session_id: z.string(),
  session_token: z.string(),
  status: z.literal("initialized"),
  websocket_url: z.string(),
  agent_name: z.string(),
  expires_at: z.string(),
});

export const ChatStatusSchema = z.object({
  session_id: z.string(),
  is_active: z.boolean(),
  message_count: z.number().int(),
  last_activity: z.string().nullable(),
  active_task_id: z.string().nullable(),
});

export const ChatTaskSchema = z
  .object({ user_message: z.string(), execution_mode: ExecutionModeSchema.default("simple") })
  .strict();

export const ChatTaskResponseSchema = z.object({ task_id: z.string(), status: z.literal("processing") });
