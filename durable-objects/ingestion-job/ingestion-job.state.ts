/**
 * An IngestionJob's state: its stored shape (parsed on every load), what counts as progress
 * for the watchdog, and the `ingestion_progress` view the owner sees. Pure functions of the
 * state, shared by the class, the stages that report to it and the routes that show it.
 */
import { z } from "zod";
import { ErrorPayloadSchema } from "../../shared/errors.ts";
import { frameText } from "../../shared/protocol/frame.ts";
import { IngestionStageSchema } from "../../shared/protocol/ingestion.ts";
import type { IngestionProgress, IngestionStage } from "../../shared/protocol/ingestion.ts";

export const JobStateSchema = z.object({
  job_id: z.string(),
  tenant_id: z.string(),
  document_id: z.string(),
  document_name: z.string(),
  r2_key: z.string(),
  content_type: z.string().nullable(),
  chunk_size: z.number().int(),
  chunk_overlap: z.number().int(),
  collection_id: z.string().nullable(),
  stage: IngestionStageSchema,
  message: z.string(),
  total_chunks: z.number().int(),
  total_batches: z.number().int(),
  batches_done: z.array(z.number().int()),
  chunks_processed: z.number().int(),
  error: ErrorPayloadSchema.nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  /** The documents row still needs the final state written (see `rowWritten`). */
  row_pending: z.boolean(),
  /** Last heartbeat of a running stage: alive, though not (yet) progressing. */
  alive_at: z.number().default(0),
  /** Furthest point reached (see `progressMark`); only passing it counts as progress. */
  best_mark: z.number().int().default(0),
  /** Re-drives since the job last passed its furthest point. */
  redrives: z.number().int().min(0).default(0),
  /**
   * Work was seen running (a stage's heartbeat, or the job in parsing/chunking) since the last
   * progress or re-drive. Only work that started and then went silent spends an attempt: work
   * still waiting in a queue behind other uploads has not failed.
   */
  started: z.boolean().default(false),
  /** Since when nothing has run or progressed (0: since created). Bounds waiting that never starts. */
  quiet_since: z.number().default(0),
});
export type JobState = z.infer<typeof JobStateSchema>;

export type JobInit = Pick<
  JobState,
  | "job_id"
  | "tenant_id"
  | "document_id"
  | "document_name"
  | "r2_key"
  | "content_type"
  | "chunk_size"
  | "chunk_overlap"
  | "collection_id"
>;

const TERMINAL: IngestionStage[] = ["completed", "failed", "cancelled"];
export const isTerminal = (s: Pick<JobState, "stage">) => TERMINAL.includes(s.stage);

/** Stages the ingestion consumer moves the job to as it runs them: being there means work started. */
export const RUNNING_STAGES: IngestionStage[] = ["parsing", "chunking"];

const STAGE_RANK: Record<IngestionStage, number> = {
  stored: 0,
  parsing: 1,
  chunking: 2,
  embedding: 3,
  completed: 4,
  failed: 4,
  cancelled: 4,
};
/** A number that only grows while the job moves forward: its stage, then its batches done. */
export const progressMark = (s: Pick<JobState, "stage" | "batches_done">) =>
  STAGE_RANK[s.stage] * 1_000_000 + s.batches_done.length;

/** When the job last showed life: progress, or a running stage's heartbeat. */
export const lastSign = (s: Pick<JobState, "updated_at" | "alive_at">) =>
  Math.max(s.updated_at, s.alive_at);

/** What the owner sees of the job (the `ingestion_progress` frame's data, and the status route). */
export function progressOf(s: JobState): IngestionProgress {
  const fraction: Record<IngestionStage, number> = {
    stored: 0.05,
    parsing: 0.1,
    chunking: 0.2,
    embedding: 0.2 + 0.75 * (s.total_batches ? s.batches_done.length / s.total_batches : 0),
    completed: 1,
    failed: 1,
    cancelled: 1,
  };
  return {
    job_id: s.job_id,
    document_id: s.document_id,
    status:
      s.stage === "completed"
        ? "completed"
        : s.stage === "failed" || s.stage === "cancelled"
          ? "error"
          : "processing",
    progress: Math.round(fraction[s.stage] * 1000) / 1000,
    stage: s.stage,
    message: s.message,
    chunks_processed: s.chunks_processed,
    total_chunks: s.total_chunks,
    error: s.error,
  };
}

/** The `ingestion_progress` frame sent to the owner's sockets. */
export function progressFrame(s: JobState): string {
  return frameText("ingestion_progress", progressOf(s), { task_id: s.job_id });
}
