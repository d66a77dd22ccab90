/**
 * Re-driving a job's lost work from what the job holds: queue messages in flight are gone
 * after a crash, but the original and the chunk batches are in R2 and every id is
 * deterministic, so the job can send its missing stage again (workers/ingestion/
 * job-messages.ts builds the messages). Re-sending work that is in fact still running is
 * harmless: every report to the job is idempotent and chunks are upserted under stable ids.
 */
import type { QueueBindings } from "../../workers/actions.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { batchKey, batchPrefix, queueEmbedBatches } from "../../workers/ingestion/job-messages.ts";
import type { JobRef } from "../../workers/ingestion/job-messages.ts";

/** What a re-drive needs to know of the job (a subset of its state). */
export interface RedriveJob extends JobRef {
  total_batches: number;
  batches_done: number[];
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
  env: QueueBindings & Pick<WorkerEnv, "DOCUMENTS">,
  s: RedriveJob,
): Promise<BatchRedrive> {
  const pending = Array.from({ length: s.total_batches }, (_, i) => i).filter(
    (i) => !s.batches_done.includes(i),
  );
  const stored = await storedKeys(env.DOCUMENTS, batchPrefix(s));
  const missing = pending.filter((i) => !stored.has(batchKey(s, i)));
  if (missing.length) return { missing };
  await queueEmbedBatches(env, s, pending, {
    session_id: s.job_id,
    task_id: s.job_id,
    trace_id: s.job_id,
    origin_service: "ingestion-job",
  });
  return { sent: pending.length };
}
