/**
 * Helpers for ingestion tests: the two pipeline queues are held (what the Worker sends is
 * recorded, not delivered) so each test delivers stage messages itself, once, twice, or after
 * an interruption, through the real consumers. Plus uploads through the route and looks at
 * what is stored: R2 objects, the documents row, the KnowledgeBase's chunk rows.
 */
import { env } from "cloudflare:workers";
import {
  createExecutionContext,
  createMessageBatch,
  evictDurableObject,
  getQueueResult,
  runInDurableObject,
} from "cloudflare:test";
import { beforeAll, vi } from "vitest";
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { DomainAction } from "../../../shared/actions.ts";
import type { IngestionProgress } from "../../../shared/protocol/ingestion.ts";
import { openDatabase } from "../../../workers/db/client.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { handleEmbeddingBatch } from "../../../workers/services/embedding/consumer.ts";
import { handleIngestionBatch } from "../../../workers/services/ingestion/consumer.ts";
import { api } from "../helpers.ts";

export type Stage = "ingestion" | "embedding";

/** Messages sent to the pipeline's queues and not yet delivered, oldest first. */
const held: Record<Stage, DomainAction[]> = { ingestion: [], embedding: [] };

/** Call at the top of a test file: the pipeline's queues record instead of delivering. */
export function holdPipelineQueues(): void {
  beforeAll(() => {
    const ok = { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    vi.spyOn(env.INGESTION_QUEUE, "send").mockImplementation((body: unknown) => {
      held.ingestion.push(DomainActionSchema.parse(body));
      return Promise.resolve(ok);
    });
    vi.spyOn(env.EMBEDDING_QUEUE, "sendBatch").mockImplementation(
      (messages: Iterable<MessageSendRequest>) => {
        for (const m of messages) held.embedding.push(DomainActionSchema.parse(m.body));
        return Promise.resolve(ok);
      },
    );
  });
}

const jobOf = (a: DomainAction) => String(a.data["job_id"]);

/** Removes and returns the held messages of `stage` for `jobId`. */
export function take(stage: Stage, jobId: string): DomainAction[] {
  const mine = held[stage].filter((a) => jobOf(a) === jobId);
  held[stage] = held[stage].filter((a) => jobOf(a) !== jobId);
  return mine;
}

/** Delivers `bodies` as one batch to the stage's real consumer; returns acks and retries. */
export async function deliver(
  stage: Stage,
  bodies: unknown[],
  opts: { env?: WorkerEnv; attempts?: number } = {},
) {
  const queue = stage === "ingestion" ? "nooble-ingestion" : "nooble-embedding";
  const batch = createMessageBatch(
    queue,
    bodies.map((body) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: opts.attempts ?? 1,
      body,
    })),
  );
  const ctx = createExecutionContext();
  await (stage === "ingestion" ? handleIngestionBatch : handleEmbeddingBatch)(
    batch,
    opts.env ?? env,
  );
  const result = await getQueueResult(batch, ctx);
  return { acks: result.explicitAcks.length, retries: result.retryMessages.length };
}

/** Delivers the job's held messages, stage by stage in batches of the queues' size (5), until none are left. */
export async function drain(jobId: string): Promise<void> {
  for (let round = 0; round < 100; round++) {
    const ingestion = take("ingestion", jobId);
    const embedding = take("embedding", jobId);
    if (ingestion.length === 0 && embedding.length === 0) return;
    for (let i = 0; i < ingestion.length; i += 5)
      await deliver("ingestion", ingestion.slice(i, i + 5));
    for (let i = 0; i < embedding.length; i += 5)
      await deliver("embedding", embedding.slice(i, i + 5));
  }
  throw new Error(`job ${jobId} kept queueing messages`);
}

export interface Started {
  job_id: string;
  document_id: string;
  websocket_url: string;
}

/** POST /api/v1/ingest with JSON text; fails the test unless it answers 202. */
export async function ingestText(
  token: string,
  content: string,
  opts: Record<string, unknown> = {},
): Promise<Started> {
  const res = await api("/api/v1/ingest", {
    method: "POST",
    token,
    json: { document_name: "notes.txt", content, ...opts },
  });
  if (res.status !== 202) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Started;
}

/** POST /api/v1/ingest with a multipart file. */
export function uploadFile(
  token: string,
  bytes: Uint8Array | string,
  name: string,
  fields: Record<string, string | string[]> = {},
  type = "",
): Promise<Response> {
  const form = new FormData();
  form.append("file", new File([bytes], name, { type }));
  for (const [k, v] of Object.entries(fields))
    for (const value of Array.isArray(v) ? v : [v]) form.append(k, value);
  return api("/api/v1/ingest", { method: "POST", token, body: form });
}

export const jobStub = (jobId: string) =>
  env.INGESTION_JOB.get(env.INGESTION_JOB.idFromName(jobId));
export const knowledgeBase = (tenantId: string) =>
  env.KNOWLEDGE_BASE.get(env.KNOWLEDGE_BASE.idFromName(tenantId));

export async function status(token: string, jobId: string): Promise<IngestionProgress> {
  const res = await api(`/api/v1/ingest/${jobId}/status`, { token });
  if (res.status !== 200) throw new Error(`status failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as IngestionProgress;
}

/** The chunk rows the tenant's KnowledgeBase holds for a document, by index. */
export async function storedChunks(
  tenantId: string,
  documentId: string,
): Promise<{ id: string; chunk_index: number; text: string }[]> {
  return runInDurableObject(knowledgeBase(tenantId), (_instance, state) =>
    state.storage.sql
      .exec<{ id: string; chunk_index: number; text: string }>(
        "select id, chunk_index, text from chunks where document_id = ? order by chunk_index",
        documentId,
      )
      .toArray(),
  );
}

/** R2 keys under the tenant's prefix (optionally one document's). */
export async function r2Keys(tenantId: string, documentId?: string): Promise<string[]> {
  const listed = await env.DOCUMENTS.list({
    prefix: `tenants/${tenantId}/${documentId ? `documents/${documentId}/` : ""}`,
  });
  return listed.objects.map((o) => o.key);
}

export const database = () => openDatabase(env.HYPERDRIVE.connectionString);

export async function documentRows(tenantId: string) {
  return database()<
    {
      id: string;
      status: string;
      error: string | null;
      chunk_count: number;
      content_type: string;
    }[]
  >`
    select id, status, error, chunk_count, content_type from documents where owner_id = ${tenantId}`;
}

/** Numbered sentences: ~12 tokens each, every one distinct, so chunks never repeat. */
export const sentences = (n: number, topic = "topic") =>
  Array.from(
    { length: n },
    (_, i) => `Sentence ${i} describes ${topic} ${i} with marker w${i}x and a closing clause.`,
  ).join(" ");

/**
 * Makes the job look silent for `ms` more: its last progress and heartbeat move back in its
 * stored state, and the instance is evicted so the next call reads that state. The watchdog's
 * decisions are tested this way, without waiting for the clock.
 */
export async function ageJob(jobId: string, ms: number): Promise<void> {
  const stub = jobStub(jobId);
  await runInDurableObject(stub, async (_instance, state) => {
    const s = await state.storage.get<{
      updated_at: number;
      alive_at: number;
      quiet_since: number;
      created_at: number;
    }>("state");
    if (!s) throw new Error(`job ${jobId} has no state`);
    await state.storage.put("state", {
      ...s,
      updated_at: s.updated_at - ms,
      alive_at: s.alive_at - ms,
      quiet_since: s.quiet_since - ms,
      created_at: s.created_at - ms,
    });
  });
  await evictDurableObject(stub);
}
