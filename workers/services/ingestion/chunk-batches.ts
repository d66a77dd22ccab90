/**
 * The chunk batches the ingestion stage writes to R2 and the embedding stage reads back
 * (their keys: workers/ingestion/job-messages.ts), and the ids their chunks are stored under.
 * The actions themselves are declared in shared/ingestion.ts.
 */
import { z } from "zod";

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
