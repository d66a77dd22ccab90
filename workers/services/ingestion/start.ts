/**
 * Starting an ingestion: the original goes to R2 under the tenant's prefix, the document row
 * is written (pending, with its agents), the job is created and the first stage queued. If a
 * later step fails, what the earlier ones wrote is removed: nothing is left half-stored.
 */
import type { Sql } from "postgres";
import type { Metadata } from "../../../shared/metadata.ts";
import type { WorkerEnv } from "../../env.ts";
import { agentChunking } from "../../db/agents.ts";
import { deleteDocumentRow, insertDocument } from "../../db/documents.ts";
import type { StoredDocument } from "../../db/documents.ts";
import { sendProcessAction } from "../../ingestion/job-messages.ts";
import { resolveChunking } from "./chunk-settings.ts";
import type { ExplicitChunking } from "./chunk-settings.ts";

export interface IngestSource {
  name: string;
  contentType: string;
  sizeBytes: number;
  sourceUrl: string | null;
}

export interface IngestSettings extends ExplicitChunking {
  agent_ids: string[];
  collection_id: string | null;
  /** The client's metadata, kept on the document row. */
  metadata: Metadata;
}

export const originalKey = (tenantId: string, documentId: string) =>
  `tenants/${tenantId}/documents/${documentId}/original`;

/** Creates the job for a document whose original is already in R2 and queues its processing. */
export async function startJob(
  env: WorkerEnv,
  tenantId: string,
  doc: Pick<StoredDocument, "id" | "name" | "content_type" | "collection_id" | "chunking">,
  jobId: string,
  r2Key: string,
): Promise<void> {
  const job = env.INGESTION_JOB.get(env.INGESTION_JOB.idFromName(jobId));
  await job.initialize({
    job_id: jobId,
    tenant_id: tenantId,
    document_id: doc.id,
    document_name: doc.name,
    r2_key: r2Key,
    content_type: doc.content_type,
    chunk_size: doc.chunking.chunk_size,
    chunk_overlap: doc.chunking.chunk_overlap,
    collection_id: doc.collection_id,
  });
  await sendProcessAction(env, { job_id: jobId, tenant_id: tenantId, document_id: doc.id }, "api");
}

export async function startIngestion(
  env: WorkerEnv,
  sql: Sql,
  tenantId: string,
  bytes: Uint8Array,
  source: IngestSource,
  settings: IngestSettings,
): Promise<{ document: StoredDocument; jobId: string }> {
  const documentId = crypto.randomUUID();
  const jobId = crypto.randomUUID();
  const key = originalKey(tenantId, documentId);
  await env.DOCUMENTS.put(key, bytes, {
    httpMetadata: { contentType: source.contentType },
    customMetadata: {
      tenant_id: tenantId,
      document_id: documentId,
      name: source.name.slice(0, 500),
    },
  });
  let document: StoredDocument | null = null;
  try {
    const explicit = {
      ...(settings.chunk_size === undefined ? {} : { chunk_size: settings.chunk_size }),
      ...(settings.chunk_overlap === undefined ? {} : { chunk_overlap: settings.chunk_overlap }),
    };
    document = await insertDocument(sql, tenantId, {
      id: documentId,
      name: source.name,
      content_type: source.contentType,
      size_bytes: source.sizeBytes,
      source_url: source.sourceUrl,
      r2_key: key,
      collection_id: settings.collection_id,
      chunking: resolveChunking(explicit, await agentChunking(sql, tenantId, settings.agent_ids)),
      explicit_chunking: explicit,
      job_id: jobId,
      agent_ids: settings.agent_ids,
      metadata: settings.metadata,
    });
    await startJob(env, tenantId, document, jobId, key);
    return { document, jobId };
  } catch (err) {
    if (document) await deleteDocumentRow(sql, tenantId, documentId).catch(() => false);
    await env.DOCUMENTS.delete(key).catch(() => undefined);
    throw err;
  }
}
