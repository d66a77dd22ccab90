/** Payloads of the ingestion pipeline's DomainActions. */
import { z } from "zod";

export const INGESTION_ACTIONS = {
  process: "ingestion.document.process",
  embedBatch: "embedding.batch.process",
} as const;

export const ProcessDataSchema = z.object({ job_id: z.string().min(1), document_id: z.uuid() });
export const EmbedBatchDataSchema = z.object({
  job_id: z.string().min(1),
  document_id: z.uuid(),
  batch_index: z.number().int().min(0),
  batch_key: z.string().min(1),
});

/** A chunk as handed from the ingestion stage to the embedding stage (through R2). */
export const BatchChunkSchema = z.object({
  index: z.number().int().min(0),
  text: z.string(),
  page: z.number().int().nullable(),
  heading_path: z.array(z.string()),
});
export const ChunkBatchSchema = z.object({ chunks: z.array(BatchChunkSchema) });

/** Chunks per embedding batch: small enough for one embeddings request, large enough to amortise it. */
export const CHUNKS_PER_BATCH = 64;

/** A chunk's stable id: re-indexing or a redelivered batch overwrites instead of duplicating. */
export const chunkId = (documentId: string, index: number) =>
  `${documentId}:${String(index).padStart(6, "0")}`;
