/**
 * Consumer of `nooble-ingestion` (`ingestion.document.process`): reads the original from R2,
 * detects its real type, parses, chunks, hands chunk batches to the embedding stage through
 * R2, and queues one `embedding.batch.process` per batch. Redelivery is safe: batches have
 * fixed keys, and once the job is chunked only the batches not yet done are queued again.
 * Delivered for a job that has ended, it settles the job (writes its outcome on the row) if
 * that is still owed (the job's alarm queues it again for that). Every run ends by settling
 * the job with the state it left it in; the last failed attempt fails the job with a reason.
 */
import type { Sql } from "postgres";
import type { DomainAction } from "../../../shared/actions.ts";
import { chunkDocument } from "../../ingestion/chunk.ts";
import { batchKey, queueEmbedBatches } from "../../ingestion/job-messages.ts";
import { parseDocument } from "../../ingestion/parse.ts";
import { sniffKind } from "../../ingestion/sniff.ts";
import { ParseError } from "../../ingestion/types.ts";
import { busyElsewhere, withHeartbeat } from "../../ingestion/watchdog.ts";
import { setDocumentStatus } from "../../db/documents.ts";
import type { WorkerEnv } from "../../env.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import type { Logger } from "../../log.ts";
import { isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
import type { JobState } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
import { defineConsumer } from "../queue-consumer.ts";
import { CHUNKS_PER_BATCH } from "./chunk-batches.ts";
import { settleJob } from "./settle.ts";
import type { JobStub } from "./settle.ts";
import { STAGE_RETRY, failJobWith, stageBatch } from "./stage.ts";
import type { StageBatch } from "./stage.ts";

export const handleIngestionBatch = defineConsumer<"ingestion", StageBatch>({
  service: "ingestion",
  retry: STAGE_RETRY,
  batch: stageBatch,
  logFields: (parsed) => ({ job_id: parsed.data.job_id }),
  async handle(parsed, { env, db, job: stubOf }, log) {
    const job = stubOf(parsed.data.job_id);
    const current = await job.getState();
    if (current && busyElsewhere(current, env)) return;
    // A live stage tells its job so; a lost one is re-driven by the job's watchdog.
    await withHeartbeat(env, job, async () =>
      settleJob(db(), job, await processDocument(env, db, parsed.action, job, log)),
    );
  },
  giveUp: failJobWith("Processing failed repeatedly. Re-index the document to try again."),
});

/** The owner's reason for a parser failure that is not a ParseError (a library bug, a stack overflow). */
function unreadableReason(kind: string, err: unknown): string {
  if (err instanceof RangeError)
    return `This ${kind.toUpperCase()} file is too large or too deeply nested to be read safely. Split it into smaller documents.`;
  return `This ${kind.toUpperCase()} file could not be read: it may be damaged. Open it in the program that made it, save it again and re-upload it.`;
}

/** Runs the stage; returns the job's state when it stopped (for settling), null if the job ended under it. */
async function processDocument(
  env: WorkerEnv,
  db: () => Sql,
  action: DomainAction,
  job: JobStub,
  log: Logger,
): Promise<JobState | null> {
  let state: JobState | null = await job.getState();
  if (!state || isTerminal(state)) return state;
  if (state.stage !== "embedding") {
    const object = await env.DOCUMENTS.get(state.r2_key);
    if (!object)
      return job.fail(
        "MALFORMED_DOCUMENT",
        "The uploaded file is missing from storage. Upload it again.",
      );
    const bytes = new Uint8Array(await object.arrayBuffer());
    const kind = sniffKind(bytes, state.document_name, object.httpMetadata?.contentType);
    if (!kind)
      return job.fail(
        "UNSUPPORTED_TYPE",
        "This file is not a PDF, DOCX, HTML, Markdown, text or CSV file.",
      );
    if (!(await job.advance("parsing", `Reading the ${kind.toUpperCase()} file`, kind)))
      return null;
    // Best effort: the final state is what must reach the row, and that one is owed until written.
    await setDocumentStatus(db(), state.tenant_id, state.document_id, {
      status: "processing",
      onlyForJob: state.job_id,
    }).catch(() => undefined);
    let chunks;
    try {
      const doc = await parseDocument(bytes, kind);
      if (
        !(await job.advance(
          "chunking",
          `Splitting ${doc.chars.toLocaleString("en-US")} characters into chunks`,
        ))
      )
        return null;
      chunks = chunkDocument(doc, {
        chunk_size: state.chunk_size,
        chunk_overlap: state.chunk_overlap,
      });
    } catch (err) {
      // Parsing and chunking given bytes is deterministic: a retry would fail the same way
      // (and a stack overflow or a bomb would hurt every tenant on the isolate each time).
      // Only storage, the vector store and the queues below are worth retrying.
      if (err instanceof ParseError) return job.fail(err.code, err.message);
      log.warn("parsing failed outside ParseError; failing the job without retry", {
        job_id: state.job_id,
        tenant_id: state.tenant_id,
        error: String(err),
      });
      return job.fail(
        err instanceof RangeError ? "DOCUMENT_TOO_LARGE" : "MALFORMED_DOCUMENT",
        unreadableReason(kind, err),
      );
    }
    if (chunks.length === 0)
      return job.fail("NO_EXTRACTABLE_TEXT", "The file has no extractable text.");
    // A re-index replaces what an earlier version of the document left in the store.
    await selectVectorStore(env).deleteDocument(state.tenant_id, state.document_id);
    const batches = Math.ceil(chunks.length / CHUNKS_PER_BATCH);
    for (let b = 0; b < batches; b++) {
      const slice = chunks
        .slice(b * CHUNKS_PER_BATCH, (b + 1) * CHUNKS_PER_BATCH)
        .map((c) => ({ index: c.index, text: c.text, page: c.page, heading_path: c.heading_path }));
      await env.DOCUMENTS.put(batchKey(state, b), JSON.stringify({ chunks: slice }), {
        httpMetadata: { contentType: "application/json" },
      });
    }
    state = await job.setChunked(chunks.length, batches);
    if (!state || state.stage !== "embedding") return state;
  }
  const done = state.batches_done;
  const pending = Array.from({ length: state.total_batches }, (_, i) => i).filter(
    (i) => !done.includes(i),
  );
  await queueEmbedBatches(env, state, pending, {
    session_id: action.session_id,
    task_id: action.task_id,
    trace_id: action.trace_id,
    origin_service: "ingestion",
  });
  return state;
}
