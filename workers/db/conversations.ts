/**
 * Conversations and their messages. Writes come from the conversation queue and must be
 * idempotent under duplicate and out-of-order delivery: the conversation is upserted, messages
 * are inserted by their session-assigned ids (`on conflict do nothing`) and the counters are
 * recomputed from the rows, never incremented. Reads are the owner's CRM. Every function takes
 * the tenant id first and filters by it.
 */
import type { Sql, TransactionSql } from "postgres";
import { jsonWithoutNul, withoutNul } from "./client.ts";
import { MessageMetadataSchema } from "../../shared/conversation.ts";
import { storedMetadata } from "../../shared/metadata.ts";
import type {
  ContactCaptureData,
  MessageCreateData,
  SessionEndData,
  VisitorInfo,
} from "../../shared/conversation.ts";
import type {
  ConversationContact,
  ConversationMessage,
  ConversationSummary,
} from "../../shared/api/conversations.ts";

/** Thrown when a write names a conversation id that belongs to another tenant. */
export class ConversationOwnerMismatch extends Error {
  readonly conversationId: string;
  constructor(conversationId: string) {
    super(`conversation ${conversationId} belongs to another tenant`);
    this.conversationId = conversationId;
    this.name = "ConversationOwnerMismatch";
  }
}

interface ConversationStart {
  conversation_id: string;
  session_id: string;
  agent_id: string;
  started_at: string;
  visitor: VisitorInfo;
}

/**
 * Creates the conversation or locks the existing one for this transaction. Keeps the earliest
 * start, fills visitor fields and metadata only where still empty, and never reopens an ended conversation
 * (a late message after `session.end` must not flip it back to active). The agent is linked
 * only if it still exists and is the tenant's: a message whose agent was deleted meanwhile is
 * kept, unlinked.
 */
async function upsertConversation(
  tx: TransactionSql,
  tenantId: string,
  c: ConversationStart,
  end?: { ended_at: string },
): Promise<void> {
  const v = c.visitor;
  const rows = await tx`
    insert into conversations (id, owner_id, agent_id, session_id, visitor_id, visitor_user_agent, visitor_country,
      visitor_referrer, metadata, started_at, is_active, ended_at)
    values (${c.conversation_id}, ${tenantId},
      (select id from agents where id = ${c.agent_id} and owner_id = ${tenantId}),
      ${withoutNul(c.session_id)}, ${withoutNul(v.visitor_id)}, ${withoutNul(v.user_agent)}, ${withoutNul(v.country)}, ${withoutNul(v.referrer_origin)},
      ${jsonWithoutNul(v.metadata ?? {})}::text::jsonb, ${c.started_at}, ${end === undefined}, ${end?.ended_at ?? null})
    on conflict (id) do update set
      started_at = least(conversations.started_at, excluded.started_at),
      visitor_id = coalesce(conversations.visitor_id, excluded.visitor_id),
      visitor_user_agent = coalesce(conversations.visitor_user_agent, excluded.visitor_user_agent),
      visitor_country = coalesce(conversations.visitor_country, excluded.visitor_country),
      visitor_referrer = coalesce(conversations.visitor_referrer, excluded.visitor_referrer),
      metadata = case when conversations.metadata = '{}'::jsonb then excluded.metadata else conversations.metadata end,
      is_active = conversations.is_active and excluded.is_active,
      ended_at = least(conversations.ended_at, excluded.ended_at)
    where conversations.owner_id = excluded.owner_id
    returning id`;
  if (rows.length === 0) throw new ConversationOwnerMismatch(c.conversation_id);
}

/** What one `conversation.message.create` changed: rows inserted, and those already stored. */
export interface StoredMessages {
  inserted: number;
  duplicates: number;
  message_count: number;
}

/** Stores a batch of a session's messages and recomputes the conversation's counters, in one transaction. */
export async function storeMessages(
  sql: Sql,
  tenantId: string,
  data: MessageCreateData,
): Promise<StoredMessages> {
  return sql.begin(async (tx) => {
    await upsertConversation(tx, tenantId, data);
    const inserted = await tx`
      insert into messages (id, conversation_id, owner_id, role, content, seq, metadata, created_at)
      select m.id, ${data.conversation_id}, ${tenantId}, m.role, m.content, m.seq, m.metadata, m.created_at
      from jsonb_to_recordset(${jsonWithoutNul(data.messages)}::text::jsonb)
        as m(id uuid, role text, content text, seq integer, metadata jsonb, created_at timestamptz)
      on conflict (id) do nothing
      returning id`;
    const [counts] = await tx<{ message_count: number }[]>`
      update conversations c set
        message_count = agg.n,
        last_message_at = agg.last_at
      from (select count(*)::int as n, max(created_at) as last_at from messages
            where conversation_id = ${data.conversation_id} and owner_id = ${tenantId}) agg
      where c.id = ${data.conversation_id} and c.owner_id = ${tenantId}
      returning c.message_count`;
    return {
      inserted: inserted.length,
      duplicates: data.messages.length - inserted.length,
      message_count: counts?.message_count ?? 0,
    };
  });
}

/** Marks the conversation ended (creating it if its messages have not arrived yet). Repeats change nothing. */
export async function endConversation(
  sql: Sql,
  tenantId: string,
  data: SessionEndData,
): Promise<void> {
  await sql.begin((tx) => upsertConversation(tx, tenantId, data, { ended_at: data.ended_at }));
}

/**
 * Stores the contact an agent captured on its conversation (creating the conversation if its
 * messages have not arrived yet). The latest capture wins by `captured_at`, not by delivery
 * order, so a redelivered or late earlier capture changes nothing.
 */
export async function storeContact(
  sql: Sql,
  tenantId: string,
  data: ContactCaptureData,
): Promise<{ replaced: boolean }> {
  const c = data.contact;
  return sql.begin(async (tx) => {
    await upsertConversation(tx, tenantId, data);
    const updated = await tx`
      update conversations set
        contact_name = ${withoutNul(c.name)}, contact_email = ${withoutNul(c.email)},
        contact_phone = ${withoutNul(c.phone)}, contact_note = ${withoutNul(c.note)},
        contact_captured_at = ${c.captured_at}
      where id = ${data.conversation_id} and owner_id = ${tenantId}
        and (contact_captured_at is null or contact_captured_at <= ${c.captured_at})
      returning id`;
    return { replaced: updated.length > 0 };
  });
}

/** Whether the tenant has a profile (conversations need one as their owner). */
export async function ownerExists(sql: Sql, tenantId: string): Promise<boolean> {
  const [row] = await sql<
    { found: boolean }[]
  >`select exists (select 1 from profiles where id = ${tenantId}) as found`;
  return row?.found ?? false;
}

/** Filters of the CRM list and export, already validated; `to` is exclusive. */
export interface ConversationFilter {
  agentId?: string | undefined;
  isActive?: boolean | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

interface ConversationRow {
  id: string;
  agent_id: string | null;
  agent_name: string | null;
  session_id: string;
  is_active: boolean;
  message_count: number;
  started_at: Date;
  last_message_at: Date | null;
  ended_at: Date | null;
  visitor_id: string | null;
  visitor_user_agent: string | null;
  visitor_country: string | null;
  visitor_referrer: string | null;
  metadata: unknown;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  contact_note: string | null;
  contact_captured_at: Date | null;
}

const PREVIEW_CHARS = 140;

function contactOf(r: ConversationRow): ConversationContact | null {
  if (r.contact_captured_at === null) return null;
  return {
    name: r.contact_name,
    email: r.contact_email,
    phone: r.contact_phone,
    note: r.contact_note,
    captured_at: r.contact_captured_at.toISOString(),
  };
}

function toSummary(r: ConversationRow, preview: string | null): ConversationSummary {
  const end = r.ended_at ?? r.last_message_at;
  return {
    id: r.id,
    agent_id: r.agent_id,
    agent_name: r.agent_name,
    session_id: r.session_id,
    is_active: r.is_active,
    message_count: r.message_count,
    started_at: r.started_at.toISOString(),
    last_message_at: r.last_message_at?.toISOString() ?? null,
    ended_at: r.ended_at?.toISOString() ?? null,
    duration_ms: end ? Math.max(0, end.getTime() - r.started_at.getTime()) : null,
    visitor: {
      visitor_id: r.visitor_id,
      user_agent: r.visitor_user_agent,
      country: r.visitor_country,
      referrer: r.visitor_referrer,
    },
    metadata: storedMetadata(r.metadata),
    preview,
    contact: contactOf(r),
  };
}

function previewOf(content: string | null): string | null {
  if (content === null) return null;
  const line = content.replace(/\s+/g, " ").trim();
  return line.length > PREVIEW_CHARS ? `${line.slice(0, PREVIEW_CHARS - 1)}…` : line;
}

/** Stored metadata is re-read through the shared schema; a row that no longer fits shows none rather than failing the page. */
function metadataOf(v: unknown) {
  const parsed = MessageMetadataSchema.safeParse(v);
  return parsed.success ? parsed.data : {};
}

const CONVERSATION_COLUMNS = (sql: Sql | TransactionSql) => sql`
  c.id, c.agent_id, a.name as agent_name, c.session_id, c.is_active, c.message_count, c.started_at,
  c.last_message_at, c.ended_at, c.visitor_id, c.visitor_user_agent, c.visitor_country, c.visitor_referrer, c.metadata,
  c.contact_name, c.contact_email, c.contact_phone, c.contact_note, c.contact_captured_at`;

function whereFilter(sql: Sql | TransactionSql, tenantId: string, f: ConversationFilter) {
  return sql`c.owner_id = ${tenantId}
    ${f.agentId !== undefined ? sql`and c.agent_id = ${f.agentId}` : sql``}
    ${f.isActive !== undefined ? sql`and c.is_active = ${f.isActive}` : sql``}
    ${f.from !== undefined ? sql`and c.started_at >= ${f.from}` : sql``}
    ${f.to !== undefined ? sql`and c.started_at < ${f.to}` : sql``}`;
}

/** A page of the tenant's conversations, newest first, with the total matching the filter. */
export async function listConversations(
  sql: Sql,
  tenantId: string,
  filter: ConversationFilter,
  page: { limit: number; offset: number },
): Promise<{ conversations: ConversationSummary[]; total: number }> {
  const where = whereFilter(sql, tenantId, filter);
  const rows = await sql<
    (ConversationRow & { total: number; first_user_message: string | null })[]
  >`
    select ${CONVERSATION_COLUMNS(sql)}, count(*) over ()::int as total,
      (select left(m.content, ${PREVIEW_CHARS * 4}) from messages m
       where m.conversation_id = c.id and m.owner_id = c.owner_id and m.role = 'user'
       order by m.seq, m.created_at limit 1) as first_user_message
    from conversations c left join agents a on a.id = c.agent_id and a.owner_id = c.owner_id
    where ${where}
    order by c.started_at desc, c.id desc limit ${page.limit} offset ${page.offset}`;
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && page.offset > 0) {
    const [c] = await sql<
      { n: number }[]
    >`select count(*)::int as n from conversations c where ${where}`;
    total = c?.n ?? 0;
  }
  return { conversations: rows.map((r) => toSummary(r, previewOf(r.first_user_message))), total };
}

interface MessageRow {
  id: string;
  role: ConversationMessage["role"];
  content: string;
  seq: number;
  created_at: Date;
  metadata: unknown;
}

const toMessage = (m: MessageRow): ConversationMessage => ({
  id: m.id,
  role: m.role,
  content: m.content,
  seq: m.seq,
  created_at: m.created_at.toISOString(),
  metadata: metadataOf(m.metadata),
});

/** One conversation with its messages in order, or null if the tenant has no such conversation. */
export async function getConversation(
  sql: Sql,
  tenantId: string,
  conversationId: string,
): Promise<(ConversationSummary & { messages: ConversationMessage[] }) | null> {
  const [row] = await sql<ConversationRow[]>`
    select ${CONVERSATION_COLUMNS(sql)}
    from conversations c left join agents a on a.id = c.agent_id and a.owner_id = c.owner_id
    where c.owner_id = ${tenantId} and c.id = ${conversationId}`;
  if (!row) return null;
  const messages = (
    await sql<MessageRow[]>`
      select id, role, content, seq, created_at, metadata from messages
      where owner_id = ${tenantId} and conversation_id = ${conversationId}
      order by seq, created_at, id`
  ).map(toMessage);
  const firstUser = messages.find((m) => m.role === "user");
  return { ...toSummary(row, previewOf(firstUser?.content ?? null)), messages };
}

/** One export row: a conversation and one of its messages (all message fields null for a conversation without any). */
export interface ExportRow {
  conversation: Omit<ConversationSummary, "preview">;
  message: ConversationMessage | null;
}

/** How many export rows the filter matches, counting at most `cap` (enough to say "more than cap"). */
export async function countExportRows(
  sql: Sql,
  tenantId: string,
  filter: ConversationFilter,
  cap: number,
): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from (
      select 1 from conversations c left join messages m on m.conversation_id = c.id and m.owner_id = c.owner_id
      where ${whereFilter(sql, tenantId, filter)} limit ${cap}) capped`;
  return row?.n ?? 0;
}

/**
 * Walks the export rows (conversations newest first, their messages in order) page by page
 * inside one read-only repeatable-read transaction, so pages see one consistent snapshot and
 * memory holds one page at a time. Stops after `limit` rows.
 */
export async function forEachExportPage(
  sql: Sql,
  tenantId: string,
  filter: ConversationFilter,
  limit: number,
  onPage: (rows: ExportRow[]) => Promise<void>,
  pageSize = 500,
): Promise<void> {
  await sql.begin("isolation level repeatable read read only", async (tx) => {
    for (let offset = 0; offset < limit; offset += pageSize) {
      const rows = await tx<
        (ConversationRow & {
          m_id: string | null;
          m_role: MessageRow["role"] | null;
          m_content: string | null;
          m_seq: number | null;
          m_created_at: Date | null;
          m_metadata: unknown;
        })[]
      >`
        select ${CONVERSATION_COLUMNS(tx)},
          m.id as m_id, m.role as m_role, m.content as m_content, m.seq as m_seq, m.created_at as m_created_at, m.metadata as m_metadata
        from conversations c
          left join agents a on a.id = c.agent_id and a.owner_id = c.owner_id
          left join messages m on m.conversation_id = c.id and m.owner_id = c.owner_id
        where ${whereFilter(tx, tenantId, filter)}
        order by c.started_at desc, c.id desc, m.seq, m.created_at, m.id
        limit ${Math.min(pageSize, limit - offset)} offset ${offset}`;
      if (rows.length === 0) return;
      await onPage(
        rows.map((r) => {
          const { preview: _preview, ...conversation } = toSummary(r, null);
          const message =
            r.m_id !== null &&
            r.m_role !== null &&
            r.m_content !== null &&
            r.m_seq !== null &&
            r.m_created_at !== null
              ? toMessage({
                  id: r.m_id,
                  role: r.m_role,
                  content: r.m_content,
                  seq: r.m_seq,
                  created_at: r.m_created_at,
                  metadata: r.m_metadata,
                })
              : null;
          return { conversation, message };
        }),
      );
      if (rows.length < pageSize) return;
    }
  });
}
