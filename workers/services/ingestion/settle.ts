/**
 * Settling a job: writing its final state on its document's row. The IngestionJob opens no
 * database connection (see its header), so whoever ends a job or finds it ended (a queue
 * consumer, the cancel routes) settles it in its own invocation, through `settleJob`, and the
 * job is told the row is written. Idempotent: a job still running or already settled is left
 * alone, a row that names another job (re-indexed since) is left alone, and writing twice
 * writes the same.
 */
import type { Sql } from "postgres";
import { setDocumentStatus } from "../../db/documents.ts";
import type { IngestionJob } from "../../../durable-objects/ingestion-job/ingestion-job.ts";
import { isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
import type { JobState } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";

export type JobStub = DurableObjectStub<IngestionJob>;

/** Writes `s` on the row if the job ended and the row still lacks it; returns `s`. */
export async function settleJob(
  sql: Sql,
  job: JobStub,
  s: JobState | null,
): Promise<JobState | null> {
  if (!s || !isTerminal(s) || !s.row_pending) return s;
  await setDocumentStatus(sql, s.tenant_id, s.document_id, {
    status: s.stage === "completed" ? "completed" : "failed",
    error: s.error?.message ?? null,
    chunk_count: s.stage === "completed" ? s.total_chunks : 0,
    ...(s.content_type ? { content_type: s.content_type } : {}),
    onlyForJob: s.job_id,
  });
  await job.rowWritten();
  return s;
}

/** Cancels the job if it is still running, and settles it; returns its final state. */
export async function cancelAndSettle(sql: Sql, job: JobStub): Promise<JobState | null> {
  return settleJob(sql, job, await job.cancel());
}
