/**
 * Re-driving a job's lost work from what the job holds: queue messages in flight are gone
 * after a crash, but the original and the chunk batches are in R2 and every id is
 * deterministic, so the job can send its missing stage again. Re-sending work that is in fact
 * still running is harmless: every report to the job is idempotent and chunks are upserted
 * under stable ids.
 */
import { createDomainAction } from "../../shared/actions.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { INGESTION_ACTIONS } from "../../workers/services/ingestion/actions.ts";

/** What a re-drive needs to know of the job (a subset of its state). */
export interface RedriveJob {
  job_id: string;
  tenant_id: string;
  document_id: string;
  total_batches: number;
  batches_done: number[];
}

/** Queues the job's `ingestion.document.process` again (a lost first stage, or a row still owed). */
export async function sendProcessAction(
  env: Pick<WorkerEnv, "INGESTION_QUEUE">,
  s: RedriveJob,
): Promise<void> {
  await env.INGESTION_QUEUE.send(
    createDomainAction({
      action_type: INGESTION_ACTIONS.process,
      tenant_id: s.tenant_id,
      session_id: s.job_id,
      task_id: s.job_id,
      origin_service: "ingestion-job",
      trace_id: s.job_id,
      data: { job_id: s.job_id, document_id: s.document_id },
    }),
  );
}

/** Keys of the chunk batches still in R2 under `prefix` (listed, not fetched one by one). */
async function storedKeys(bucket: R2Bucket, prefix: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let cursor: string | undefined;
  do {
    const listed = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    for (const o of listed.objects) keys.add(o.key);
    cursor = listed.truncated ? listed.cursor : undefined;
  } while (cursor);
  return keys;
}

export type BatchRedrive = { sent: number } | { missing: number[] };

/**
 * Queues one `embedding.batch.process` for each batch not in `batches_done`. A batch whose R2
 * object is gone cannot be re-sent; then nothing is sent and the missing indexes are returned
 * (the caller fails the job: re-chunking would delete the chunks already indexed).
 */
export async function sendPendingBatches(
  env: Pick<WorkerEnv, "EMBEDDING_QUEUE" | "DOCUMENTS">,
  s: RedriveJob,
  prefix: string,
  keyOf: (index: number) => string,
): Promise<BatchRedrive> {
  const pending = Array.from({ length: s.total_batches }, (_, i) => i).filter(
    (i) => !s.batches_done.includes(i),
  );
  const stored = await storedKeys(env.DOCUMENTS, prefix);
  const missing = pending.filter((i) => !stored.has(keyOf(i)));
  if (missing.length) return { missing };
  await queueEmbedBatches(env, s, pending, keyOf, {
    session_id: s.job_id,
    task_id: s.job_id,
    trace_id: s.job_id,
    origin_service: "ingestion-job",
  });
  return { sent: pending.length };
}

/** Who queues the batches: the DomainAction fields each batch message carries (its task id gains `:batch-N`). */
export interface BatchOrigin {
  session_id: string;
  task_id: string;
  trace_id: string;
  origin_service: string;
}

/** Queues one `embedding.batch.process` per batch index, 100 messages per send (the queue's batch limit). */
export async function queueEmbedBatches(
  env: Pick<WorkerEnv, "EMBEDDING_QUEUE">,
  s: Pick<RedriveJob, "job_id" | "tenant_id" | "document_id">,
  indexes: number[],
  keyOf: (index: number) => string,
  origin: BatchOrigin,
): Promise<void> {
  const messages = indexes.map((i) => ({
    body: createDomainAction({
      action_type: INGESTION_ACTIONS.embedBatch,
      tenant_id: s.tenant_id,
      session_id: origin.session_id,
      task_id: `${origin.task_id}:batch-${i}`,
      origin_service: origin.origin_service,
      trace_id: origin.trace_id,
      data: { job_id: s.job_id, document_id: s.document_id, batch_index: i, batch_key: keyOf(i) },
    }),
  }));
  for (let i = 0; i < messages.length; i += 100)
    await env.EMBEDDING_QUEUE.sendBatch(messages.slice(i, i + 100));
}
