/**
 * The conversation service's DomainAction payloads: what the ChatSession Durable Object
 * queues for persistence. Ids are assigned by the session, so every delivery of the same
 * action writes the same rows (the consumer upserts).
 */
import { z } from "zod";
import { MetadataSchema } from "./metadata.ts";

export const SourceSchema = z.object({
  document_id: z.string(),
  document_name: z.string(),
  page: z.number().int().nullable().optional(),
  /** The headings the passage sits under ("Pricing › Plans"); absent in older answers. */
  section: z.string().nullable().optional(),
  snippet: z.string(),
  /**
   * The passage's relevance as the similarity threshold judged it (the higher of its term
   * coverage and embedding cosine). Answers stored before this was so carry the search's
   * ranking score instead.
   */
  score: z.number(),
});
export type Source = z.infer<typeof SourceSchema>;

export const UsageSchema = z.object({
  prompt_tokens: z.number().int().min(0),
  completion_tokens: z.number().int().min(0),
  total_tokens: z.number().int().min(0),
});
export type Usage = z.infer<typeof UsageSchema>;

/**
 * One step an advanced-mode turn took, as the visitor saw it (shared/protocol/chat.ts
 * `agent_step`): a tool called, its result, a thought, or a bound reached.
 */
export const AGENT_STEP_KINDS = ["tool_call", "tool_result", "thought", "limit"] as const;
export const AgentStepRecordSchema = z.object({
  /** Its index in the turn, from 0, across attempts: a reconnecting client skips what it has. */
  step: z.number().int().min(0),
  kind: z.enum(AGENT_STEP_KINDS),
  /** The tool called (tool_call, tool_result); null for a thought or a limit. */
  tool: z.string().nullable(),
  /** Pairs a tool_result with its tool_call. */
  call_id: z.string().nullable(),
  /** One line for the visitor: "Searched the knowledge base for 'refund policy' — 3 passages". */
  summary: z.string(),
  /** What opens under the line: the arguments, or an excerpt of the result. */
  detail: z.string().nullable(),
  /** A tool_result's outcome; an error went back to the model, the turn went on. */
  ok: z.boolean().optional(),
});
export type AgentStepRecord = z.infer<typeof AgentStepRecordSchema>;

/** Metadata stored with an assistant message (mode, model, tokens, latency, sources). */
export const MessageMetadataSchema = z
  .object({
    task_id: z.string().optional(),
    mode: z.string().optional(),
    model: z.string().optional(),
    provider: z.string().optional(),
    usage: UsageSchema.optional(),
    latency_ms: z.number().min(0).optional(),
    time_to_first_token_ms: z.number().min(0).optional(),
    sources: z.array(SourceSchema).optional(),
    attempt: z.number().int().optional(),
    /** An advanced-mode answer's steps, in order. */
    steps: z.array(AgentStepRecordSchema).optional(),
  })
  .loose();
export type MessageMetadata = z.infer<typeof MessageMetadataSchema>;

export const PersistedMessageSchema = z.object({
  id: z.uuid(),
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  seq: z.number().int().min(0),
  created_at: z.iso.datetime(),
  metadata: MessageMetadataSchema.default({}),
});
export type PersistedMessage = z.infer<typeof PersistedMessageSchema>;

export const VisitorInfoSchema = z.object({
  visitor_id: z.string().max(200).nullable().optional(),
  user_agent: z.string().max(500).nullable().optional(),
  country: z.string().max(8).nullable().optional(),
  referrer_origin: z.string().max(500).nullable().optional(),
  /** The client's `metadata` from chat/init (page, campaign, ...), kept on the conversation. */
  metadata: MetadataSchema.optional(),
});
export type VisitorInfo = z.infer<typeof VisitorInfoSchema>;

/** `conversation.message.create`: one or more messages of a session, with the conversation they belong to. */
export const MessageCreateDataSchema = z.object({
  conversation_id: z.uuid(),
  session_id: z.string().min(1),
  agent_id: z.uuid(),
  started_at: z.iso.datetime(),
  visitor: VisitorInfoSchema.default({}),
  messages: z.array(PersistedMessageSchema).min(1).max(50),
});
export type MessageCreateData = z.infer<typeof MessageCreateDataSchema>;

/** `conversation.session.end`: the session ended (visitor left, idle timeout, or deleted). */
export const SessionEndDataSchema = z.object({
  conversation_id: z.uuid(),
  session_id: z.string().min(1),
  agent_id: z.uuid(),
  started_at: z.iso.datetime(),
  ended_at: z.iso.datetime(),
  reason: z.enum(["deleted", "idle", "expired"]),
  visitor: VisitorInfoSchema.default({}),
});
export type SessionEndData = z.infer<typeof SessionEndDataSchema>;

/**
 * A visitor's contact details as an advanced-mode agent captured them (capture_contact): only
 * what the visitor typed in the conversation, at least one of name, email and phone.
 */
export const CapturedContactSchema = z
  .object({
    name: z.string().min(1).max(200).nullable(),
    email: z.email().max(320).nullable(),
    phone: z.string().min(1).max(50).nullable(),
    note: z.string().max(1000).nullable(),
    /** When the session captured it: a later capture replaces an earlier one, whatever the delivery order. */
    captured_at: z.iso.datetime(),
  })
  .refine((c) => c.name !== null || c.email !== null || c.phone !== null, {
    message: "a contact needs a name, an email or a phone",
  });
export type CapturedContactRecord = z.infer<typeof CapturedContactSchema>;

/**
 * `conversation.contact.capture`: the contact an agent captured in a session. It carries the
 * conversation's start like `session.end`, so it may arrive before the conversation's messages.
 */
export const ContactCaptureDataSchema = z.object({
  conversation_id: z.uuid(),
  session_id: z.string().min(1),
  agent_id: z.uuid(),
  started_at: z.iso.datetime(),
  visitor: VisitorInfoSchema.default({}),
  contact: CapturedContactSchema,
});
export type ContactCaptureData = z.infer<typeof ContactCaptureDataSchema>;

export const CONVERSATION_ACTIONS = {
  messageCreate: "conversation.message.create",
  sessionEnd: "conversation.session.end",
  contactCapture: "conversation.contact.capture",
} as const;
