/**
 * IngestionJob: one per upload (or re-index). It owns the job's state machine (stored ->
 * parsing -> chunking -> embedding k/n -> completed | failed | cancelled), relays every change
 * to the owner's progress sockets as `ingestion_progress`, and runs a watchdog alarm. The
 * queue consumers do the work and report here; each report is idempotent, so redelivered
 * stages never double-count.
 *
 * It opens no database connection: postgres.js sockets opened here outlive the call that
 * opened them (they kept the object from ever being evicted), and `sql.end()` on Workers
 * leaves an unhandled rejection (porsager/postgres#1202). The final state is written on the
 * document's row by whoever ended the job, in its own invocation (workers/services/ingestion/
 * outcome.ts); until they confirm with `rowWritten`, the alarm queues the job's process action
 * again, whose consumer writes the row.
 *
 * A job that fails or is cancelled removes what it had stored so far (chunks in the vector
 * store, chunk batches in R2): a failed document is never half-searchable.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { IngestionStageSchema } from "../../shared/protocol/ingestion.ts";
import type { IngestionProgress, IngestionStage } from "../../shared/protocol/ingestion.ts";
import { createDomainAction } from "../../shared/actions.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { selectVectorStore } from "../../workers/knowledge/select.ts";
import { INGESTION_ACTIONS } from "../../workers/services/ingestion/actions.ts";

const JobStateSchema = z.object({
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
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.number(),
  updated_at: z.number(),
  /** The documents row still needs the final state written (see `rowWritten`). */
  row_pending: z.boolean(),
});
export type JobState = z.infer<typeof JobStateSchema>;

export type JobInit = Pick<JobState, "job_id" | "tenant_id" | "document_id" | "document_name" | "r2_key" | "content_type" | "chunk_size" | "chunk_overlap" | "collection_id">;

const TERMINAL: IngestionStage[] = ["completed", "failed", "cancelled"];
/** A job with no progress for this long fails: a stage was lost beyond the queues' retries. */
const STALL_MS = 10 * 60_000;
/** How long the job waits for its final state to be written on the row before queueing that again. */
const ROW_RETRY_MS = 30_000;

export const isTerminal = (s: JobState) => TERMINAL.includes(s.stage);

export function progressOf(s: JobState): IngestionProgress {
  const fraction: Record<IngestionStage, number> = {
    stored: 0.05,
    parsing: 0.1,
    chunking: 0.2,
    embedding: 0.2 + 0.75 * (s.total_batches ? s.batches_done.length / s.total_batches : 0),
    indexing: 0.95,
    completed: 1,
    failed: 1,
    cancelled: 1,
  };
  return {
    job_id: s.job_id,
    document_id: s.document_id,
    status: s.stage === "completed" ? "completed" : s.stage === "failed" || s.stage === "cancelled" ? "error" : "processing",
    progress: Math.round(fraction[s.stage] * 1000) / 1000,
    stage: s.stage,
    message: s.message,
    chunks_processed: s.chunks_processed,
    total_chunks: s.total_chunks,
    error: s.error,
  };
}

/** Closes a listener normally once the job's final frame is sent (1000: nothing more will come). */
function closeEnded(ws: WebSocket): void {
  try {
    ws.close(1000, "The ingestion job has ended.");
  } catch {
    // already closing
  }
}

export class IngestionJob extends DurableObject<WorkerEnv> {
  private state: JobState | null | undefined;

  // ---- RPC ----

  /** Creates the job (idempotent). */
  async initialize(init: JobInit): Promise<IngestionProgress> {
    const existing = await this.load();
    if (existing) return progressOf(existing);
    const now = Date.now();
    const state: JobState = { ...init, stage: "stored", message: "File stored; waiting to be processed", total_chunks: 0, total_batches: 0, batches_done: [], chunks_processed: 0, error: null, created_at: now, updated_at: now, row_pending: false };
    await this.save(state);
    return progressOf(state);
  }

  async getState(): Promise<JobState | null> {
    return this.load();
  }

  /** Moves to a working stage; false when the job already ended (the caller stops). */
  async advance(stage: "parsing" | "chunking", message: string, contentType?: string): Promise<boolean> {
    const s = await this.load();
    if (!s || isTerminal(s)) return false;
    await this.save({ ...s, stage, message, ...(contentType ? { content_type: contentType } : {}) });
    return true;
  }

  /** Chunking is done: `totalBatches` embedding batches follow. Repeats keep the first answer. */
  async setChunked(totalChunks: number, totalBatches: number): Promise<JobState | null> {
    const s = await this.load();
    if (!s || isTerminal(s)) return s;
    if (s.stage === "embedding") return s;
    const next: JobState = { ...s, stage: "embedding", total_chunks: totalChunks, total_batches: totalBatches, message: `Embedding ${totalChunks} chunks in ${totalBatches} batch${totalBatches === 1 ? "" : "es"}` };
    await this.save(next);
    if (totalBatches === 0) await this.finish(next);
    return this.load();
  }

  /** A batch is embedded and indexed. Counts once per batch; the last one completes the job. Returns the state after. */
  async batchDone(batchIndex: number, chunks: number): Promise<JobState | null> {
    const s = await this.load();
    if (!s || isTerminal(s) || s.batches_done.includes(batchIndex)) return s;
    const batches_done = [...s.batches_done, batchIndex];
    const next: JobState = {
      ...s,
      batches_done,
      chunks_processed: s.chunks_processed + chunks,
      message: `Embedded and indexed ${batches_done.length} of ${s.total_batches} batches`,
    };
    await this.save(next);
    if (batches_done.length >= s.total_batches) await this.finish(next);
    return this.load();
  }

  /** Ends the job as failed; returns the state (unchanged if it had already ended). */
  async fail(code: string, message: string): Promise<JobState | null> {
    const s = await this.load();
    if (!s || isTerminal(s)) return s;
    await this.end({ ...s, stage: "failed", message, error: { code, message } });
    return this.load();
  }

  /** Cancels a running job; a finished one is left as it is. */
  async cancel(): Promise<JobState | null> {
    const s = await this.load();
    if (!s || isTerminal(s)) return s;
    await this.end({ ...s, stage: "cancelled", message: "Cancelled by the owner", error: { code: "INGESTION_CANCELLED", message: "Cancelled by the owner" } });
    return this.load();
  }

  /** The final state is on the document's row: stop asking for it. */
  async rowWritten(): Promise<void> {
    const s = await this.load();
    if (s?.row_pending) await this.save({ ...s, row_pending: false }, false);
  }

  // ---- WebSocket: progress for the owner (the Worker checked the token and the tenant) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json({ error: { code: "VALIDATION_FAILED", message: "Expected a WebSocket upgrade." } }, { status: 426 });
    }
    const s = await this.load();
    if (!s) return Response.json({ error: { code: "JOB_NOT_FOUND", message: "This ingestion job does not exist." } }, { status: 404 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(this.frame(s));
    // A job that already ended has nothing more to say: its final frame, then the close.
    if (isTerminal(s)) closeEnded(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The socket is for listening; a ping gets a pong, anything else the current progress.
    if (typeof message === "string" && message.includes('"ping"')) {
      ws.send(JSON.stringify({ message_id: crypto.randomUUID(), message_type: "pong", timestamp: new Date().toISOString(), data: {}, session_id: null, task_id: null }));
      return;
    }
    const s = await this.load();
    if (s) ws.send(this.frame(s));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  // ---- Alarm: watchdog and retrying the row update ----

  override async alarm(): Promise<void> {
    const s = await this.load();
    if (!s) return;
    if (!isTerminal(s) && Date.now() - s.updated_at >= STALL_MS) {
      await this.end({ ...s, stage: "failed", message: "Processing stopped making progress. Re-index the document to try again.", error: { code: "INGESTION_STALLED", message: "Processing stopped making progress. Re-index the document to try again." } });
      return;
    }
    if (s.row_pending) {
      // Whoever ended the job did not confirm the row: its process action's consumer writes it.
      await this.env.INGESTION_QUEUE.send(createDomainAction({
        action_type: INGESTION_ACTIONS.process,
        tenant_id: s.tenant_id,
        session_id: s.job_id,
        task_id: s.job_id,
        origin_service: "ingestion-job",
        trace_id: s.job_id,
        data: { job_id: s.job_id, document_id: s.document_id },
      }));
    }
    await this.schedule();
  }

  // ---- private ----

  private async finish(s: JobState): Promise<void> {
    await this.end({ ...s, stage: "completed", message: `Ready: ${s.total_chunks} chunk${s.total_chunks === 1 ? "" : "s"} indexed`, chunks_processed: s.total_chunks });
  }

  private async end(s: JobState): Promise<void> {
    await this.save({ ...s, row_pending: true });
    // Chunk batches were only a hand-over between stages.
    await deletePrefix(this.env.DOCUMENTS, batchPrefix(s));
    // A job that did not complete leaves no searchable chunks behind.
    if (s.stage !== "completed") await selectVectorStore(this.env).deleteDocument(s.tenant_id, s.document_id);
  }

  private async load(): Promise<JobState | null> {
    if (this.state !== undefined) return this.state;
    const raw = await this.ctx.storage.get("state");
    const parsed = JobStateSchema.safeParse(raw);
    this.state = parsed.success ? parsed.data : null;
    return this.state;
  }

  private async save(s: JobState, touch = true): Promise<void> {
    const next = touch ? { ...s, updated_at: Date.now() } : s;
    this.state = next;
    await this.ctx.storage.put("state", next);
    if (touch) {
      const text = this.frame(next);
      const ended = isTerminal(next);
      for (const ws of this.ctx.getWebSockets()) {
        try {
          ws.send(text);
          // The final frame is the last: listeners are told so by a normal close, not left open.
          if (ended) closeEnded(ws);
        } catch {
          // a closing socket must not stop the others
        }
      }
    }
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    const s = this.state;
    if (!s) return;
    if (s.row_pending) return void (await this.ctx.storage.setAlarm(Date.now() + ROW_RETRY_MS));
    if (!isTerminal(s)) return void (await this.ctx.storage.setAlarm(s.updated_at + STALL_MS));
    await this.ctx.storage.deleteAlarm();
  }

  private frame(s: JobState): string {
    return JSON.stringify({ message_id: crypto.randomUUID(), message_type: "ingestion_progress", timestamp: new Date().toISOString(), data: progressOf(s), session_id: null, task_id: s.job_id });
  }
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  for (let more = true; more; ) {
    const listed = await bucket.list({ prefix });
    if (listed.objects.length) await bucket.delete(listed.objects.map((o) => o.key));
    more = listed.truncated;
  }
}

/** Where a job's chunk batches are handed from the ingestion stage to the embedding stage. */
export const batchPrefix = (s: Pick<JobState, "tenant_id" | "document_id" | "job_id">) => `tenants/${s.tenant_id}/documents/${s.document_id}/jobs/${s.job_id}/`;
export const batchKey = (s: Pick<JobState, "tenant_id" | "document_id" | "job_id">, index: number) => `${batchPrefix(s)}batch-${String(index).padStart(5, "0")}.json`;
