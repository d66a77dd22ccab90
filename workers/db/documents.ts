/**
 * Documents and their assignment to agents. Tenant id first in every call; the same-owner
 * keys of migration 0005 make the database refuse links to another owner's agents too.
 */
import type { Sql, TransactionSql } from "postgres";
import { z } from "zod";
import { CHUNKING_SOURCES } from "../../shared/api/documents.ts";
import type { DocumentChunking, DocumentView } from "../../shared/api/documents.ts";
import { CONFIG_LIMITS } from "../../shared/config.ts";
import { DOCUMENT_STATUSES } from "../../shared/documents.ts";
import { storedMetadata } from "../../shared/metadata.ts";
import type { Metadata } from "../../shared/metadata.ts";
import type { DocumentStatus } from "../../shared/documents.ts";
import { AppError } from "../errors.ts";
import { jsonWithoutNul, withoutNul } from "./client.ts";

interface DocumentRow {
  id: string;
  name: string;
  content_type: string;
  size_bytes: string | number;
  source_url: string | null;
  collection_id: string | null;
  status: string;
  error: string | null;
  chunk_count: number;
  metadata: unknown;
  job_id: string | null;
  r2_key: string | null;
  rag_config: unknown;
  agent_ids: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface StoredDocument extends DocumentView {
  r2_key: string | null;
  /** The chunk settings sent with the upload, which a re-index keeps (workers/services/ingestion/chunk-settings.ts). */
  explicit_chunking: { chunk_size?: number; chunk_overlap?: number };
}

const tokens = z.number().int().positive();
/**
 * documents.rag_config: the settings last applied (`chunk_size`, `chunk_overlap`, `source`) and
 * the upload's own values (`explicit`). Rows written before the source was recorded hold only
 * the two numbers, which the upload sent or the defaults filled in: values other than the
 * defaults were sent, so they stay the document's own.
 */
const StoredChunkingSchema = z.object({
  chunk_size: tokens.catch(CONFIG_LIMITS.chunkSize.default),
  chunk_overlap: z.number().int().nonnegative().catch(CONFIG_LIMITS.chunkOverlap.default),
  source: z.enum(CHUNKING_SOURCES).optional().catch(undefined),
  explicit: z
    .object({
      chunk_size: tokens.optional(),
      chunk_overlap: z.number().int().nonnegative().optional(),
    })
    .optional()
    .catch(undefined),
});

function chunkingOf(value: unknown): {
  chunking: DocumentChunking;
  explicit: StoredDocument["explicit_chunking"];
} {
  const stored = StoredChunkingSchema.parse(record(value));
  const { chunk_size, chunk_overlap } = stored;
  if (stored.source)
    return {
      chunking: { chunk_size, chunk_overlap, source: stored.source },
      explicit: stored.explicit ?? {},
    };
  const defaults =
    chunk_size === CONFIG_LIMITS.chunkSize.default &&
    chunk_overlap === CONFIG_LIMITS.chunkOverlap.default;
  return defaults
    ? { chunking: { chunk_size, chunk_overlap, source: "default" }, explicit: {} }
    : {
        chunking: { chunk_size, chunk_overlap, source: "upload" },
        explicit: { chunk_size, chunk_overlap },
      };
}

const status = (s: string): DocumentStatus => DOCUMENT_STATUSES.find((x) => x === s) ?? "failed";
const record = (v: unknown): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v))
    : {};

function toDocument(r: DocumentRow): StoredDocument {
  const { chunking, explicit } = chunkingOf(r.rag_config);
  return {
    id: r.id,
    name: r.name,
    content_type: r.content_type,
    size_bytes: Number(r.size_bytes),
    source_url: r.source_url,
    collection_id: r.collection_id,
    status: status(r.status),
    error: r.error,
    chunk_count: r.chunk_count,
    agent_ids: r.agent_ids ?? [],
    metadata: storedMetadata(r.metadata),
    job_id: r.job_id,
    chunking,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
    r2_key: r.r2_key,
    explicit_chunking: explicit,
  };
}

// json_agg, not array_agg: the client skips type lookups (fetch_types: false), so a uuid[]
// would arrive as the string "{...}", while json is always parsed.
const SELECT = (sql: Sql | TransactionSql) => sql`
  select d.*, coalesce((select json_agg(da.agent_id order by da.created_at) from document_agents da where da.document_id = d.id), '[]'::json) as agent_ids
  from documents d`;

/** Agent ids of `tenantId` among `agentIds`, to refuse unknown or foreign ones before writing. */
export async function ownedAgentIds(
  sql: Sql | TransactionSql,
  tenantId: string,
  agentIds: string[],
): Promise<Set<string>> {
  if (agentIds.length === 0) return new Set();
  const rows = await sql<
    { id: string }[]
  >`select id from agents where owner_id = ${tenantId} and id in ${sql(agentIds)}`;
  return new Set(rows.map((r) => r.id));
}

export async function assertOwnedAgents(
  sql: Sql | TransactionSql,
  tenantId: string,
  agentIds: string[],
): Promise<void> {
  const owned = await ownedAgentIds(sql, tenantId, agentIds);
  const missing = agentIds.filter((id) => !owned.has(id));
  if (missing.length) {
    throw new AppError(
      "AGENT_NOT_FOUND",
      404,
      `No agent of yours has the id ${missing.join(", ")}.`,
      [{ field: "agent_ids", message: "unknown agent" }],
    );
  }
}

export interface NewDocument {
  id: string;
  name: string;
  content_type: string;
  size_bytes: number;
  source_url: string | null;
  r2_key: string;
  collection_id: string | null;
  chunking: DocumentChunking;
  explicit_chunking: StoredDocument["explicit_chunking"];
  job_id: string;
  agent_ids: string[];
  metadata: Metadata;
}

const ragConfigOf = (
  chunking: DocumentChunking,
  explicit: StoredDocument["explicit_chunking"],
) => ({ ...chunking, explicit });

/**
 * Writes a pending document with its agents. Its name may come from a fetched URL's
 * Content-Disposition or path rather than a validated field, so NULs are dropped here too.
 */
export async function insertDocument(
  sql: Sql,
  tenantId: string,
  d: NewDocument,
): Promise<StoredDocument> {
  return sql.begin(async (tx) => {
    await assertOwnedAgents(tx, tenantId, d.agent_ids);
    await tx`
      insert into documents (id, owner_id, name, content_type, size_bytes, source_url, r2_key, collection_id, status, rag_config, job_id, metadata)
      values (${d.id}, ${tenantId}, ${withoutNul(d.name)}, ${d.content_type}, ${d.size_bytes}, ${withoutNul(d.source_url)}, ${d.r2_key}, ${withoutNul(d.collection_id)}, 'pending',
        ${tx.json(ragConfigOf(d.chunking, d.explicit_chunking))}, ${d.job_id}, ${jsonWithoutNul(d.metadata)}::text::jsonb)`;
    for (const agentId of d.agent_ids) {
      await tx`insert into document_agents (document_id, agent_id, owner_id) values (${d.id}, ${agentId}, ${tenantId}) on conflict do nothing`;
    }
    const [row] = await tx<
      DocumentRow[]
    >`${SELECT(tx)} where d.owner_id = ${tenantId} and d.id = ${d.id}`;
    if (!row) throw new Error("inserted document not found");
    return toDocument(row);
  });
}

export async function getDocument(
  sql: Sql | TransactionSql,
  tenantId: string,
  documentId: string,
): Promise<StoredDocument | null> {
  const [row] = await sql<
    DocumentRow[]
  >`${SELECT(sql)} where d.owner_id = ${tenantId} and d.id = ${documentId}`;
  return row ? toDocument(row) : null;
}

export async function listDocuments(
  sql: Sql,
  tenantId: string,
  q: {
    type?: string | undefined;
    agent_id?: string | undefined;
    status?: DocumentStatus | undefined;
    search?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<{ documents: StoredDocument[]; total: number }> {
  const like = q.search ? `%${q.search.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null;
  const where = sql`
    d.owner_id = ${tenantId}
    ${q.type ? sql`and d.content_type = ${q.type}` : sql``}
    ${q.status ? sql`and d.status = ${q.status}` : sql``}
    ${like ? sql`and d.name ilike ${like}` : sql``}
    ${q.agent_id ? sql`and exists (select 1 from document_agents da where da.document_id = d.id and da.agent_id = ${q.agent_id})` : sql``}`;
  const rows = await sql<
    DocumentRow[]
  >`${SELECT(sql)} where ${where} order by d.created_at desc, d.id limit ${q.limit} offset ${q.offset}`;
  const [count] = await sql<
    { n: number }[]
  >`select count(*)::int as n from documents d where ${where}`;
  return { documents: rows.map(toDocument), total: count?.n ?? 0 };
}

export async function deleteDocumentRow(
  sql: Sql,
  tenantId: string,
  documentId: string,
): Promise<boolean> {
  const rows =
    await sql`delete from documents where owner_id = ${tenantId} and id = ${documentId} returning id`;
  return rows.length > 0;
}

/** Changes a document's agents; returns the resulting set. */
export async function changeDocumentAgents(
  sql: Sql,
  tenantId: string,
  documentId: string,
  agentIds: string[],
  operation: "set" | "add" | "remove",
): Promise<string[] | null> {
  return sql.begin(async (tx) => {
    const [doc] =
      await tx`select id from documents where owner_id = ${tenantId} and id = ${documentId} for update`;
    if (!doc) return null;
    if (operation !== "remove") await assertOwnedAgents(tx, tenantId, agentIds);
    if (operation === "set")
      await tx`delete from document_agents where owner_id = ${tenantId} and document_id = ${documentId}`;
    if (operation === "remove") {
      if (agentIds.length)
        await tx`delete from document_agents where owner_id = ${tenantId} and document_id = ${documentId} and agent_id in ${tx(agentIds)}`;
    } else {
      for (const agentId of agentIds) {
        await tx`insert into document_agents (document_id, agent_id, owner_id) values (${documentId}, ${agentId}, ${tenantId}) on conflict do nothing`;
      }
    }
    const rows = await tx<
      { agent_id: string }[]
    >`select agent_id from document_agents where owner_id = ${tenantId} and document_id = ${documentId} order by created_at`;
    return rows.map((r) => r.agent_id);
  });
}

/** Records the chunk settings a re-index applies (the upload's own values are kept). */
export async function setDocumentChunking(
  sql: Sql,
  tenantId: string,
  documentId: string,
  chunking: DocumentChunking,
): Promise<void> {
  await sql`update documents set rag_config = rag_config || ${sql.json(chunking)} where owner_id = ${tenantId} and id = ${documentId}`;
}

export async function documentAgentIds(
  sql: Sql,
  tenantId: string,
  documentId: string,
): Promise<string[]> {
  const rows = await sql<
    { agent_id: string }[]
  >`select agent_id from document_agents where owner_id = ${tenantId} and document_id = ${documentId}`;
  return rows.map((r) => r.agent_id);
}

export async function setDocumentStatus(
  sql: Sql,
  tenantId: string,
  documentId: string,
  s: {
    status: DocumentStatus;
    error?: string | null;
    chunk_count?: number;
    job_id?: string;
    content_type?: string;
    onlyForJob?: string;
  },
): Promise<void> {
  // A job only writes to a row that still names it: a cancelled or superseded job stays silent.
  // The reason can quote a document or a parser (text Postgres may refuse): NULs are dropped, so
  // the outcome is written rather than its queue message retried until it dead-letters.
  const jobFilter = s.onlyForJob ? sql`and job_id = ${s.onlyForJob}` : sql``;
  await sql`
    update documents set status = ${s.status}, error = ${withoutNul(s.error)},
      chunk_count = coalesce(${s.chunk_count ?? null}, chunk_count),
      content_type = coalesce(${s.content_type ?? null}, content_type),
      job_id = coalesce(${s.job_id ?? null}::text, job_id)
    where owner_id = ${tenantId} and id = ${documentId} ${jobFilter}`;
}
