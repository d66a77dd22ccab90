/**
 * The WebSocket frame envelope of the original design, shared by chat and ingestion sockets:
 * `{message_id, message_type, timestamp, data, session_id, task_id}`.
 */
import { z } from "zod";
import { singleLineText } from "../text.ts";
import { ErrorCodeSchema } from "../errors.ts";

export const FrameEnvelopeSchema = z.object({
  message_id: singleLineText().min(1).max(100),
  message_type: singleLineText().min(1).max(50),
  timestamp: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).default({}),
  session_id: singleLineText().max(200).nullable().optional(),
  task_id: singleLineText().max(200).nullable().optional(),
});
export type FrameEnvelope = z.infer<typeof FrameEnvelopeSchema>;

/** The `error` frame's data: the same code and message as the HTTP error shape. */
export const ErrorFrameDataSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
