/**
 * The owner's conversation CRM: list (filters, paging, totals), one transcript, export.
 * Dates in filters are ISO: a bare date (`2026-03-01`) is that UTC day, so `to=2026-03-31`
 * includes the whole of March 31.
 */
import { z } from "zod";
import { MessageMetadataSchema } from "../conversation.ts";
import { StoredMetadataSchema } from "../metadata.ts";

const isoDateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

/** Filters shared by the list and the export. */
export const ConversationFilterSchema = z.object({
  agent_id: z.uuid().optional(),
  is_active: z.enum(["true", "false"]).optional(),
  from: isoDateOrDateTime.optional(),
  to: isoDateOrDateTime.optional(),
});
export type ConversationFilterQuery = z.infer<typeof ConversationFilterSchema>;

export const ConversationListQuerySchema = ConversationFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

export const EXPORT_FORMATS = ["csv", "json"] as const;
export const ConversationExportQuerySchema = ConversationFilterSchema.extend({
  format: z.enum(EXPORT_FORMATS).default("csv"),
});

/** The export of one conversation takes only the format: the id is in the path. */
export const OneConversationExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default("csv"),
});

export const VisitorSchema = z.object({
  visitor_id: z.string().nullable(),
  user_agent: z.string().nullable(),
  country: z.string().nullable(),
  referrer: z.string().nullable(),
});

/**
 * The contact details the visitor gave the agent in this conversation (advanced mode's
 * capture_contact), the latest capture; each field null when the visitor did not give it.
 */
export const ConversationContactSchema = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  note: z.string().nullable(),
  captured_at: z.string(),
});
export type ConversationContact = z.infer<typeof ConversationContactSchema>;

/** A conversation as the list shows it. `duration_ms` runs from the start to the end (or the last message so far). */
export const ConversationSummarySchema = z.object({
  id: z.uuid(),
  agent_id: z.uuid().nullable(),
  agent_name: z.string().nullable(),
  session_id: z.string(),
  is_active: z.boolean(),
  message_count: z.number().int(),
  started_at: z.string(),
  last_message_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  duration_ms: z.number().int().nullable(),
  visitor: VisitorSchema,
  /** The client's `metadata` from chat/init (`{}` when it sent none). */
  metadata: StoredMetadataSchema,
  /** The first visitor message, whitespace collapsed, at most 140 characters. */
  preview: z.string().nullable(),
  /** The visitor's contact details, if they gave them to the agent; null otherwise. */
  contact: ConversationContactSchema.nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

export const ConversationListSchema = z.object({
  conversations: z.array(ConversationSummarySchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ConversationList = z.infer<typeof ConversationListSchema>;

export const ConversationMessageSchema = z.object({
  id: z.uuid(),
  role: z.enum(["user", "assistant", "system"]),
  content: z.string(),
  seq: z.number().int(),
  created_at: z.string(),
  metadata: MessageMetadataSchema,
});
export type ConversationMessage = z.infer<typeof ConversationMessageSchema>;

export const ConversationDetailSchema = ConversationSummarySchema.extend({
  messages: z.array(ConversationMessageSchema),
  counts: z.object({ user: z.number().int(), assistant: z.number().int() }),
});
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>;

/** Exports stop at this many messages; a truncated export says so (header and `truncated`). */
export const EXPORT_MESSAGE_LIMIT = 10_000;

export const ConversationExportSchema = z.object({
  conversations: z.array(
    ConversationSummarySchema.omit({ preview: true }).extend({
      messages: z.array(ConversationMessageSchema),
    }),
  ),
  truncated: z.boolean(),
  message_limit: z.number().int(),
});
export type ConversationExport = z.infer<typeof ConversationExportSchema>;

/**
 * CSV export columns, one row per message (a conversation without messages gets one row with
 * empty message cells). The conversation's contact repeats on each of its rows, like its agent
 * and start; its columns come last so an importer reading the earlier columns by position
 * still works.
 */
export const CSV_COLUMNS = [
  "conversation_id",
  "agent_name",
  "started_at",
  "role",
  "content",
  "created_at",
  "contact_name",
  "contact_email",
  "contact_phone",
  "contact_note",
] as const;
