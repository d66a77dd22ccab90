/**
 * Writing a job's outcome on its document's row. The IngestionJob opens no database
 * connection (see its header), so whoever ends a job (a queue consumer, the cancel route)
 * writes the row in its own invocation and then confirms to the job. Idempotent: a row that
 * names another job (re-indexed since) is left alone, and writing twice writes the same.
 */
import type { Sql } from "postgres";
import { setDocumentStatus } from "../../db/documents.ts";
import { isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.ts";
import type {
  IngestionJob,
  JobState,
} from "../../../durable-objects/ingestion-job/ingestion-job.ts";

export async function recordOutcome(
  sql: Sql,
  job: DurableObjectStub<IngestionJob>,
  s: JobState | null,
): Promise<void> {
  if (!s || !isTerminal(s) || !s.row_pending) return;
  await setDocumentStatus(sql, s.tenant_id, s.document_id, {
    status: s.stage === "completed" ? "completed" : "failed",
    error: s.error?.message ?? null,
    chunk_count: s.stage === "completed" ? s.total_chunks : 0,
    ...(s.content_type ? { content_type: s.content_type } : {}),
    onlyForJob: s.job_id,
  });
  await job.rowWritten();
}
