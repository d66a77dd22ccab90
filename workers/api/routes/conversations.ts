/**
 * The owner's conversation CRM: list with filters and totals, export (CSV or JSON), one
 * transcript, and one transcript's export (the same CSV columns and JSON shape as the export
 * of many, so one importer reads both).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { stream } from "hono/streaming";
import {
  ConversationDetailSchema,
  ConversationExportQuerySchema,
  ConversationExportSchema,
  ConversationListQuerySchema,
  ConversationListSchema,
  EXPORT_MESSAGE_LIMIT,
  OneConversationExportQuerySchema,
} from "../../../shared/api/conversations.ts";
import type { ConversationFilterQuery } from "../../../shared/api/conversations.ts";
import {
  countExportRows,
  forEachExportPage,
  getConversation,
  listConversations,
} from "../../db/conversations.ts";
import type { ConversationFilter, ExportRow } from "../../db/conversations.ts";
import { AppError, notFound } from "../../errors.ts";
import { JsonExportWriter, csvHeader, csvLines } from "../../services/conversation/export.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { bearerSecurity, createRouter, errorResponses, isUuid, json } from "../router.ts";

const IdParam = z.object({ id: z.string().max(100) });
const DAY_MS = 86_400_000;
const conversationNotFound = () => notFound("CONVERSATION_NOT_FOUND", "The conversation");

const isBareDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
const instantOf = (v: string) => new Date(isBareDate(v) ? `${v}T00:00:00Z` : v);

/** A bare date is a whole UTC day: `from` starts with it, `to` includes it. */
function filterOf(q: ConversationFilterQuery): ConversationFilter {
  const from = q.from === undefined ? undefined : instantOf(q.from);
  const to =
    q.to === undefined
      ? undefined
      : new Date(instantOf(q.to).getTime() + (isBareDate(q.to) ? DAY_MS : 0));
  if (from && to && from >= to) {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      "The request is not valid: from must be before to",
      [{ field: "from", message: "must be before to" }],
    );
  }
  return {
    agentId: q.agent_id?.toLowerCase(),
    isActive: q.is_active === undefined ? undefined : q.is_active === "true",
    from,
    to,
  };
}

export const conversationRoutes = createRouter();
conversationRoutes.use("*", requireOwner);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["conversations"],
    summary: "Your agents' conversations, newest first",
    security: bearerSecurity,
    request: { query: ConversationListQuerySchema },
    responses: {
      200: {
        description: "A page of conversations and the total matching the filters",
        ...json(ConversationListSchema),
      },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const page = { limit: q.limit, offset: q.offset };
    const { conversations, total } = await listConversations(
      c.var.db(),
      c.var.tenant.id,
      filterOf(q),
      page,
    );
    return c.json({ conversations, total, ...page }, 200);
  },
);

// Registered before /{id}, which would otherwise take "export" for an id.
conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/export",
    tags: ["conversations"],
    security: bearerSecurity,
    summary: `Download conversations as CSV (one row per message) or JSON; at most ${EXPORT_MESSAGE_LIMIT} messages`,
    description:
      "Same filters as the list. A cut-off export carries `X-Export-Truncated: true` (and `truncated: true` in JSON).",
    request: { query: ConversationExportQuerySchema },
    responses: {
      200: {
        description: "The export, as an attachment",
        content: {
          "text/csv": { schema: z.string() },
          "application/json": { schema: ConversationExportSchema },
        },
      },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const filter = filterOf(q);
    const tenantId = c.var.tenant.id;
    const sql = c.var.db();
    const truncated =
      (await countExportRows(sql, tenantId, filter, EXPORT_MESSAGE_LIMIT + 1)) >
      EXPORT_MESSAGE_LIMIT;
    const day = new Date().toISOString().slice(0, 10);
    c.header(
      "content-type",
      q.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    );
    c.header("content-disposition", `attachment; filename="conversations-${day}.${q.format}"`);
    c.header("cache-control", "no-store");
    c.header("x-export-message-limit", String(EXPORT_MESSAGE_LIMIT));
    if (truncated) c.header("x-export-truncated", "true");
    const log = c.var.log;
    return stream(
      c,
      async (out) => {
        const write = async (text: string) => {
          await out.write(text);
        };
        if (q.format === "csv") {
          await write(csvHeader());
          await forEachExportPage(sql, tenantId, filter, EXPORT_MESSAGE_LIMIT, (rows) =>
            write(csvLines(rows)),
          );
        } else {
          const writer = new JsonExportWriter(write);
          await writer.start();
          await forEachExportPage(sql, tenantId, filter, EXPORT_MESSAGE_LIMIT, (rows) =>
            writer.page(rows),
          );
          await writer.finish({ truncated, message_limit: EXPORT_MESSAGE_LIMIT });
        }
        log.info("conversations exported", { format: q.format, truncated });
      },
      // The status line is already sent: the body stops short, and the log says why.
      async (err) => {
        log.error("conversation export failed mid-stream", {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
      },
    );
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["conversations"],
    summary: "One conversation with its messages in order",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: {
        description: "The transcript, counts and duration",
        ...json(ConversationDetailSchema),
      },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    // A malformed id names no conversation: the same 404 as another tenant's id.
    if (!isUuid(id)) throw conversationNotFound();
    const conversation = await getConversation(c.var.db(), c.var.tenant.id, id.toLowerCase());
    if (!conversation) throw conversationNotFound();
    const count = (role: string) => conversation.messages.filter((m) => m.role === role).length;
    return c.json(
      { ...conversation, counts: { user: count("user"), assistant: count("assistant") } },
      200,
    );
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/export",
    tags: ["conversations"],
    security: bearerSecurity,
    summary: "Download one conversation as CSV (one row per message) or JSON",
    description: `The export's own columns and shape, for one conversation; at most ${EXPORT_MESSAGE_LIMIT} messages (\`X-Export-Truncated: true\` beyond).`,
    request: { params: IdParam, query: OneConversationExportQuerySchema },
    responses: {
      200: {
        description: "The transcript, as an attachment",
        content: {
          "text/csv": { schema: z.string() },
          "application/json": { schema: ConversationExportSchema },
        },
      },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const id = c.req.valid("param").id;
    const { format } = c.req.valid("query");
    if (!isUuid(id)) throw conversationNotFound();
    const found = await getConversation(c.var.db(), c.var.tenant.id, id.toLowerCase());
    if (!found) throw conversationNotFound();
    const { preview: _preview, messages: all, ...conversation } = found;
    const truncated = all.length > EXPORT_MESSAGE_LIMIT;
    const messages = all.slice(0, EXPORT_MESSAGE_LIMIT);
    const rows: ExportRow[] = messages.length
      ? messages.map((message) => ({ conversation, message }))
      : [{ conversation, message: null }];
    const body =
      format === "csv"
        ? csvHeader() + csvLines(rows)
        : JSON.stringify(
            ConversationExportSchema.parse({
              conversations: [{ ...conversation, messages }],
              truncated,
              message_limit: EXPORT_MESSAGE_LIMIT,
            }),
          );
    const day = conversation.started_at.slice(0, 10);
    c.header(
      "content-type",
      format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    );
    c.header(
      "content-disposition",
      `attachment; filename="conversation-${day}-${conversation.id.slice(0, 8)}.${format}"`,
    );
    c.header("cache-control", "no-store");
    c.header("x-export-message-limit", String(EXPORT_MESSAGE_LIMIT));
    if (truncated) c.header("x-export-truncated", "true");
    c.var.log.info("conversation exported", { format, truncated });
    return c.body(body, 200);
  },
);
