/**
 * Consumer of `nooble-ingestion` (`ingestion.document.process`): reads the original from R2,
 * detects its real type, parses, chunks, hands chunk batches to the embedding stage through
 * R2, and queues one `embedding.batch.process` per batch. Redelivery is safe: batches have
 * fixed keys, and once the job is chunked only the batches not yet done are queued again.
 * Delivered for a job that has ended, it writes the job's outcome on the row if that is still
 * owed (the job's alarm queues it again for that).
 */
import type { Sql } from "postgres";
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { DomainAction } from "../../../shared/actions.ts";
import { chunkDocument } from "../../ingestion/chunk.ts";
import { parseDocument } from "../../ingestion/parse.ts";
import { sniffKind } from "../../ingestion/sniff.ts";
import { ParseError } from "../../ingestion/types.ts";
import { openDatabase } from "../../db/client.ts";
import { setDocumentStatus } from "../../db/documents.ts";
import type { WorkerEnv } from "../../env.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import { createLogger } from "../../log.ts";
import type { Logger } from "../../log.ts";
import { batchKey, isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.ts";
import type {
  IngestionJob,
  JobState,
} from "../../../durable-objects/ingestion-job/ingestion-job.ts";
import { retryDelaySeconds, sendToDeadLetter } from "../dead-letter.ts";
import { CHUNKS_PER_BATCH, INGESTION_ACTIONS, ProcessDataSchema } from "./actions.ts";
import { recordOutcome } from "./outcome.ts";
import { queueEmbedBatches } from "../../../durable-objects/ingestion-job/ingestion-job.redrive.ts";
import { busyElsewhere, withHeartbeat } from "./watchdog.ts";

const QUEUE = "nooble-ingestion";

export async function handleIngestionBatch(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
): Promise<void> {
  const log = createLogger({ component: "ingestion-consumer" });
  // One client for the batch; the runtime closes its sockets when the invocation ends.
  let sql: Sql | undefined;
  const db = () => (sql ??= openDatabase(env.HYPERDRIVE.connectionString));
  for (const msg of batch.messages) {
    const action = DomainActionSchema.safeParse(msg.body);
    const data =
      action.success && action.data.action_type === INGESTION_ACTIONS.process
        ? ProcessDataSchema.safeParse(action.data.data)
        : null;
    if (!action.success || !data?.success) {
      await sendToDeadLetter(
        env,
        QUEUE,
        action.success
          ? `not an ${INGESTION_ACTIONS.process} action with {job_id, document_id}`
          : "invalid DomainAction",
        msg.body,
      );
      msg.ack();
      continue;
    }
    const job = env.INGESTION_JOB.get(env.INGESTION_JOB.idFromName(data.data.job_id));
    try {
      const current = await job.getState();
      if (current && busyElsewhere(current, env)) {
        msg.ack();
        continue;
      }
      // A live stage tells its job so; a lost one is re-driven by the job's watchdog.
      await withHeartbeat(env, job, () => processDocument(env, db, action.data, job, log));
      msg.ack();
    } catch (err) {
      log.warn("ingestion stage failed; retrying", {
        job_id: data.data.job_id,
        tenant_id: action.data.tenant_id,
        attempts: msg.attempts,
        error: String(err),
      });
      if (msg.attempts >= 5) {
        await recordOutcome(
          db(),
          job,
          await job.fail(
            "INTERNAL_ERROR",
            "Processing failed repeatedly. Re-index the document to try again.",
          ),
        );
        msg.ack();
      } else {
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }
  }
}

/** The owner's reason for a parser failure that is not a ParseError (a library bug, a stack overflow). */
function unreadableReason(kind: string, err: unknown): string {
  if (err instanceof RangeError)
    return `This ${kind.toUpperCase()} file is too large or too deeply nested to be read safely. Split it into smaller documents.`;
  return `This ${kind.toUpperCase()} file could not be read: it may be damaged. Open it in the program that made it, save it again and re-upload it.`;
}

async function processDocument(
  env: WorkerEnv,
  db: () => Sql,
  action: DomainAction,
  job: DurableObjectStub<IngestionJob>,
  log: Logger,
): Promise<void> {
  let state: JobState | null = await job.getState();
  if (!state) return;
  if (isTerminal(state)) return recordOutcome(db(), job, state);
  const fail = async (code: string, message: string) =>
    recordOutcome(db(), job, await job.fail(code, message));
  if (state.stage !== "embedding") {
    const object = await env.DOCUMENTS.get(state.r2_key);
    if (!object)
      return fail(
        "MALFORMED_DOCUMENT",
        "The uploaded file is missing from storage. Upload it again.",
      );
    const bytes = new Uint8Array(await object.arrayBuffer());
    const kind = sniffKind(bytes, state.document_name, object.httpMetadata?.contentType);
    if (!kind)
      return fail(
        "UNSUPPORTED_TYPE",
        "This file is not a PDF, DOCX, HTML, Markdown, text or CSV file.",
      );
    if (!(await job.advance("parsing", `Reading the ${kind.toUpperCase()} file`, kind))) return;
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
        return;
      chunks = chunkDocument(doc, {
        chunk_size: state.chunk_size,
        chunk_overlap: state.chunk_overlap,
      });
    } catch (err) {
      // Parsing and chunking given bytes is deterministic: a retry would fail the same way
      // (and a stack overflow or a bomb would hurt every tenant on the isolate each time).
      // Only storage, the vector store and the queues below are worth retrying.
      if (err instanceof ParseError) return fail(err.code, err.message);
      log.warn("parsing failed outside ParseError; failing the job without retry", {
        job_id: state.job_id,
        tenant_id: state.tenant_id,
        error: String(err),
      });
      return fail(
        err instanceof RangeError ? "DOCUMENT_TOO_LARGE" : "MALFORMED_DOCUMENT",
        unreadableReason(kind, err),
      );
    }
    if (chunks.length === 0)
      return fail("NO_EXTRACTABLE_TEXT", "The file has no extractable text.");
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
    if (!state || state.stage !== "embedding") return recordOutcome(db(), job, state);
  }
  const pending = Array.from({ length: state.total_batches }, (_, i) => i).filter(
    (i) => !state?.batches_done.includes(i),
  );
  const current = state;
  await queueEmbedBatches(env, current, pending, (i) => batchKey(current, i), {
    session_id: action.session_id,
    task_id: action.task_id,
    trace_id: action.trace_id,
    origin_service: "ingestion",
  });
}
