/**
 * Chat WebSocket frames (`WS /ws/chat/{session_id}?token=`), in the envelope of
 * shared/protocol/frame.ts. Client -> server: chat_message, ping, resume (and the shorthand
 * `{type: "user_message", content}`). Server -> client: connection_ack, chat_processing,
 * chat_streaming, agent_step, chat_response, chat_error, error, pong.
 *
 * Streaming: chunk_index counts from 0 within one attempt of a task. If a task is restarted
 * (a provider failure mid-answer or an interrupted worker), the server sends a new
 * chat_processing with a higher `attempt` and chunk_index starts again at 0: a client
 * discards what it had for that task and renders the new attempt.
 *
 * Advanced mode: before and between the answer's chunks, `agent_step` frames say what the agent
 * does (a tool called, its result). Steps are numbered from 0 per task and survive a new
 * attempt (a restarted turn goes on from the steps already done, without calling the model
 * for them again): a client keeps its steps when the attempt changes and skips a step number
 * it already has. `resume` takes `last_step` so a reconnecting client gets each step once.
 * A client that ignores unknown frames still gets the answer.
 */
import { z } from "zod";
import { freeText, singleLineText } from "../text.ts";
import { ErrorPayloadSchema } from "../errors.ts";
import { AgentStepRecordSchema, SourceSchema, UsageSchema } from "../conversation.ts";

export const EXECUTION_MODES = ["simple", "advanced"] as const;
export const ExecutionModeSchema = z.enum(EXECUTION_MODES);
export type ExecutionMode = z.infer<typeof ExecutionModeSchema>;

/** Keep-alives (ping, pong) carry no data. */
export const EmptyDataSchema = z.record(z.string(), z.unknown());

/** Client frames follow shared/text.ts: envelope ids refuse control characters, message text drops them. */
const envelope = {
  message_id: singleLineText().min(1).max(100).optional(),
  timestamp: singleLineText().max(40).optional(),
  session_id: singleLineText().max(200).nullable().optional(),
  task_id: singleLineText().max(200).nullable().optional(),
};

export const ClientChatMessageSchema = z.object({
  ...envelope,
  message_type: z.literal("chat_message"),
  data: z.object({ content: freeText(), execution_mode: ExecutionModeSchema.optional() }),
});
export const ClientPingSchema = z.object({
  ...envelope,
  message_type: z.literal("ping"),
  data: EmptyDataSchema.optional(),
});
export const ClientResumeSchema = z.object({
  ...envelope,
  message_type: z.literal("resume"),
  data: z.object({
    task_id: singleLineText().min(1).max(200),
    last_chunk_index: z.number().int().min(-1),
    attempt: z.number().int().min(1).optional(),
    /** The last agent_step the client has (-1 or absent: none); later steps are sent again. */
    last_step: z.number().int().min(-1).optional(),
  }),
});
/** The original's shorthand: `{type: "user_message", content}`. */
export const ClientShorthandSchema = z.object({
  type: z.literal("user_message"),
  content: freeText(),
  execution_mode: ExecutionModeSchema.optional(),
});

export const ClientFrameSchema = z.union([
  z.discriminatedUnion("message_type", [
    ClientChatMessageSchema,
    ClientPingSchema,
    ClientResumeSchema,
  ]),
  ClientShorthandSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

export const ConnectionAckDataSchema = z.object({
  session_id: z.string(),
  agent_id: z.string(),
  agent_name: z.string(),
  /** The transcript so far, oldest first, so a reloaded page shows it at once. */
  history: z.array(
    z.object({
      id: z.string(),
      role: z.enum(["user", "assistant"]),
      content: z.string(),
      created_at: z.string(),
      sources: z.array(SourceSchema).optional(),
      /** An advanced-mode answer's steps. */
      steps: z.array(AgentStepRecordSchema).optional(),
    }),
  ),
  /** A task still streaming when this socket connected, with what was streamed so far. */
  active_task: z
    .object({
      task_id: z.string(),
      attempt: z.number().int(),
      chunks_sent: z.number().int(),
      /** Its agent_step frames so far (advanced mode). */
      steps_sent: z.number().int().optional(),
    })
    .nullable(),
});
export const ChatProcessingDataSchema = z.object({
  task_id: z.string(),
  mode: ExecutionModeSchema,
  attempt: z.number().int().min(1),
});
export const ChatStreamingDataSchema = z.object({
  content: z.string(),
  chunk_index: z.number().int().min(0),
  is_final: z.boolean(),
  attempt: z.number().int().min(1),
});
/** One step of an advanced-mode turn (see the header), with the task it belongs to. */
export const AgentStepDataSchema = AgentStepRecordSchema.extend({ task_id: z.string() });

export const ChatResponseDataSchema = z.object({
  message: z.string(),
  message_id: z.string(),
  usage: UsageSchema,
  sources: z.array(SourceSchema),
  execution_time_ms: z.number(),
  conversation_id: z.string(),
  model: z.string(),
});
/** A turn that failed: the error payload and whether sending the message again may work. */
export const ChatErrorDataSchema = ErrorPayloadSchema.extend({ retry_possible: z.boolean() });

export const SERVER_FRAME_TYPES = [
  "connection_ack",
  "chat_processing",
  "chat_streaming",
  "agent_step",
  "chat_response",
  "chat_error",
  "error",
  "pong",
] as const;
export type ServerFrameType = (typeof SERVER_FRAME_TYPES)[number];

/**
 * Every frame the server sends on the chat socket, as one discriminated union on
 * `message_type` (the web app's socket client parses frames with it).
 */
const serverEnvelope = {
  message_id: z.string(),
  timestamp: z.string(),
  session_id: z.string().nullable().optional(),
  task_id: z.string().nullable().optional(),
};
export const ServerFrameSchema = z.discriminatedUnion("message_type", [
  z.object({
    ...serverEnvelope,
    message_type: z.literal("connection_ack"),
    data: ConnectionAckDataSchema,
  }),
  z.object({
    ...serverEnvelope,
    message_type: z.literal("chat_processing"),
    data: ChatProcessingDataSchema,
  }),
  z.object({
    ...serverEnvelope,
    message_type: z.literal("chat_streaming"),
    data: ChatStreamingDataSchema,
  }),
  z.object({ ...serverEnvelope, message_type: z.literal("agent_step"), data: AgentStepDataSchema }),
  z.object({
    ...serverEnvelope,
    message_type: z.literal("chat_response"),
    data: ChatResponseDataSchema,
  }),
  z.object({ ...serverEnvelope, message_type: z.literal("chat_error"), data: ChatErrorDataSchema }),
  // `error` answers one client frame (a rejected message, a bad resume); codes are open-ended here
  // so a newer server's code still reaches the page instead of failing the parse.
  z.object({ ...serverEnvelope, message_type: z.literal("error"), data: ErrorPayloadSchema }),
  // The runtime answers `{"message_type":"ping"}` itself with a bare `{"message_type":"pong"}`.
  z.object({ message_type: z.literal("pong"), data: EmptyDataSchema.optional() }),
]);
export type ParsedServerFrame = z.infer<typeof ServerFrameSchema>;
export type ConnectionAckData = z.infer<typeof ConnectionAckDataSchema>;
export type ChatStreamingData = z.infer<typeof ChatStreamingDataSchema>;
export type ChatResponseData = z.infer<typeof ChatResponseDataSchema>;
export type AgentStepData = z.infer<typeof AgentStepDataSchema>;
export type ChatErrorData = z.infer<typeof ChatErrorDataSchema>;
