/**
 * What an ingestion job's work travels as: its `ingestion.document.process` action, one
 * `embedding.batch.process` per chunk batch, and the R2 keys of those batches (the hand-over
 * between the two stages, since a queue message holds at most 128 KB). Used by whoever starts
 * or re-drives the work: the upload, the ingestion stage, and the IngestionJob's watchdog.
 * Every id and key is derived from the job, so a message sent twice does the same work.
 */
import { createDomainAction } from "../../shared/actions.ts";
import { INGESTION_ACTIONS } from "../../shared/ingestion.ts";
import { sendAction, sendActions } from "../actions.ts";
import type { QueueBindings } from "../actions.ts";

/** The job fields its messages are made from. */
export interface JobRef {
  job_id: string;
  tenant_id: string;
  document_id: string;
}

/** Where a job's chunk batches are handed from the ingestion stage to the embedding stage. */
export const batchPrefix = (s: JobRef) =>
  `tenants/${s.tenant_id}/documents/${s.document_id}/jobs/${s.job_id}/`;
export const batchKey = (s: JobRef, index: number) =>
  `${batchPrefix(s)}batch-${String(index).padStart(5, "0")}.json`;

/** Queues the job's `ingestion.document.process` (its first stage, or a row still owed). */
export async function sendProcessAction(
  env: QueueBindings,
  s: JobRef,
  originService: string,
): Promise<void> {
  await sendAction(
    env,
    createDomainAction({
      action_type: INGESTION_ACTIONS.process,
      tenant_id: s.tenant_id,
      session_id: s.job_id,
      task_id: s.job_id,
      origin_service: originService,
      trace_id: s.job_id,
      data: { job_id: s.job_id, document_id: s.document_id },
    }),
  );
}

/** Who queues the batches: the DomainAction fields each batch message carries (its task id gains `:batch-N`). */
export interface BatchOrigin {
  session_id: string;
  task_id: string;
  trace_id: string;
  origin_service: string;
}

/** Queues one `embedding.batch.process` per batch index. */
export async function queueEmbedBatches(
  env: QueueBindings,
  s: JobRef,
  indexes: number[],
  origin: BatchOrigin,
): Promise<void> {
  await sendActions(
    env,
    indexes.map((i) =>
      createDomainAction({
        action_type: INGESTION_ACTIONS.embedBatch,
        tenant_id: s.tenant_id,
        session_id: origin.session_id,
        task_id: `${origin.task_id}:batch-${i}`,
        origin_service: origin.origin_service,
        trace_id: origin.trace_id,
        data: {
          job_id: s.job_id,
          document_id: s.document_id,
          batch_index: i,
          batch_key: batchKey(s, i),
        },
      }),
    ),
  );
}
