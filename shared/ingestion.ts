/**
 * The ingestion pipeline's DomainAction payloads: what the upload route and the IngestionJob
 * queue for the ingestion stage, and what the ingestion stage queues for the embedding stage.
 * Ids are the job's and the document's, so every delivery of the same action does the same
 * work (batches have fixed keys, chunks fixed ids).
 */
import { z } from "zod";

export const INGESTION_ACTIONS = {
  process: "ingestion.document.process",
  embedBatch: "embedding.batch.process",
} as const;

/** `ingestion.document.process`: parse and chunk the job's original (or write its owed outcome). */
export const ProcessDataSchema = z.object({ job_id: z.string().min(1), document_id: z.uuid() });
export type ProcessData = z.infer<typeof ProcessDataSchema>;

/** `embedding.batch.process`: embed and index one chunk batch the ingestion stage left in R2. */
export const EmbedBatchDataSchema = z.object({
  job_id: z.string().min(1),
  document_id: z.uuid(),
  batch_index: z.number().int().min(0),
  batch_key: z.string().min(1),
});
export type EmbedBatchData = z.infer<typeof EmbedBatchDataSchema>;
