/**
 * Ingestion progress frames (`WS /ws/ingest/{job_id}?token=<owner access token>`), in the
 * envelope of shared/protocol/frame.ts with message_type "ingestion_progress".
 */
import { z } from "zod";
import { ErrorPayloadSchema } from "../errors.ts";

/**
 * The stages of a job. Each embedding batch is embedded and written to the index in one step
 * (the KnowledgeBase or Qdrant upsert), so "embedding" covers indexing too: there is no later
 * stage the owner would wait on, and the job completes when its last batch is indexed.
 */
export const INGESTION_STAGES = [
  "stored",
  "parsing",
  "chunking",
  "embedding",
  "completed",
  "failed",
  "cancelled",
] as const;
export const IngestionStageSchema = z.enum(INGESTION_STAGES);
export type IngestionStage = z.infer<typeof IngestionStageSchema>;

export const IngestionProgressSchema = z.object({
  job_id: z.string(),
  document_id: z.string(),
  status: z.enum(["processing", "completed", "error"]),
  progress: z.number().min(0).max(1),
  stage: IngestionStageSchema,
  message: z.string(),
  chunks_processed: z.number().int().min(0),
  total_chunks: z.number().int().min(0),
  error: ErrorPayloadSchema.nullable(),
});
export type IngestionProgress = z.infer<typeof IngestionProgressSchema>;
