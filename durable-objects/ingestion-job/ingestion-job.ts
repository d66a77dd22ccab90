/**
 * IngestionJob: one per upload (or re-index). It owns the job's state machine (stored ->
 * parsing -> chunking -> embedding k/n -> completed | failed | cancelled), relays every change
 * to the owner's progress sockets as `ingestion_progress`, and runs a watchdog alarm. The
 * queue consumers do the work and report here; each report is idempotent, so redelivered
 * stages never double-count.
 *
 * The watchdog heals a job whose work was lost (a crash drops the queue messages in flight,
 * not this state): after `INGESTION_WATCHDOG_MS` with neither progress nor a stage's heartbeat
 * it re-sends the missing stage, or the embedding batches not yet done, from what it holds
 * (ingestion-job.redrive.ts), and tells the owner. After MAX_ATTEMPTS runs without progress
 * it fails with a reason. Progress is a high-water mark (stage reached, batches done), so a
 * re-run repeating earlier stages does not reset the count and a crashing file cannot loop.
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
import type { IngestionProgress } from "../../shared/protocol/ingestion.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { batchPrefix, sendProcessAction } from "../../workers/ingestion/job-messages.ts";
import { MAX_ATTEMPTS, watchdogMs } from "../../workers/ingestion/watchdog.ts";
import { selectVectorStore } from "../../workers/knowledge/select.ts";
import { errorResponse } from "../../workers/errors.ts";
import { frameText } from "../../shared/protocol/frame.ts";
import { sendPendingBatches } from "./ingestion-job.redrive.ts";
import {
  JobStateSchema,
  RUNNING_STAGES,
  isTerminal,
  lastSign,
  progressFrame,
  progressMark,
  progressOf,
} from "./ingestion-job.state.ts";
import type { JobInit, JobState } from "./ingestion-job.state.ts";

/** How long the job waits for its final state to be written on the row before queueing that again (at most one watchdog period). */
const ROW_RETRY_MS = 30_000;
/** Work that has not started after this long fails: its queue is not being consumed. */
const WAITING_LIMIT_MS = 30 * 60_000;
const WAITING_AGAIN_MESSAGE = "Waiting to be processed (queued again after a minute without news)";
const WAITING_MESSAGE =
  "Processing did not start within 30 minutes. Re-index the document to try again.";
const STALLED_MESSAGE = `Processing was interrupted ${MAX_ATTEMPTS} times without making progress. Re-index the document to try again; if it stops again, upload a smaller or re-saved copy of the file.`;
const BATCHES_LOST_MESSAGE =
  "Processing was interrupted and the prepared chunks were lost. Re-index the document to try again.";

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
    const state: JobState = {
      ...init,
      stage: "stored",
      message: "File stored; waiting to be processed",
      total_chunks: 0,
      total_batches: 0,
      batches_done: [],
      chunks_processed: 0,
      error: null,
      created_at: now,
      updated_at: now,
      row_pending: false,
      alive_at: now,
      best_mark: 0,
      redrives: 0,
      started: false,
      quiet_since: now,
    };
    await this.save(state);
    return progressOf(state);
  }

  async getState(): Promise<JobState | null> {
    return this.load();
  }

  /** Moves to a working stage; false when the job already ended (the caller stops). */
  async advance(
    stage: "parsing" | "chunking",
    message: string,
    contentType?: string,
  ): Promise<boolean> {
    const s = await this.load();
    if (!s || isTerminal(s)) return false;
    await this.save({
      ...s,
      stage,
      message,
      ...(contentType ? { content_type: contentType } : {}),
    });
    return true;
  }

  /** Chunking is done: `totalBatches` embedding batches follow. Repeats keep the first answer. */
  async setChunked(totalChunks: number, totalBatches: number): Promise<JobState | null> {
    const s = await this.load();
    if (!s || isTerminal(s)) return s;
    if (s.stage === "embedding") return s;
    const next: JobState = {
      ...s,
      stage: "embedding",
      total_chunks: totalChunks,
      total_batches: totalBatches,
      message: `Embedding ${totalChunks} chunks in ${totalBatches} batch${totalBatches === 1 ? "" : "es"}`,
    };
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
    await this.end({
      ...s,
      stage: "cancelled",
      message: "Cancelled by the owner",
      error: { code: "INGESTION_CANCELLED", message: "Cancelled by the owner" },
    });
    return this.load();
  }

  /**
   * A running stage is alive (see workers/ingestion/watchdog.ts): not progress, so no
   * frame. `running: false` says the stage stopped on an error: a retry or the watchdog takes over.
   */
  async heartbeat(running = true): Promise<void> {
    const s = await this.load();
    if (!s || isTerminal(s)) return;
    const now = Date.now();
    this.state = running
      ? { ...s, alive_at: now, started: true, quiet_since: now }
      : { ...s, alive_at: 0 };
    await this.ctx.storage.put("state", this.state);
  }

  /** The final state is on the document's row: stop asking for it. */
  async rowWritten(): Promise<void> {
    const s = await this.load();
    if (s?.row_pending) await this.save({ ...s, row_pending: false }, false);
  }

  // ---- WebSocket: progress for the owner (the Worker checked the token and the tenant) ----

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return errorResponse(request, 426, "VALIDATION_FAILED", "Expected a WebSocket upgrade.");
    }
    const s = await this.load();
    if (!s)
      return errorResponse(request, 404, "JOB_NOT_FOUND", "This ingestion job does not exist.");
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(progressFrame(s));
    // A job that already ended has nothing more to say: its final frame, then the close.
    if (isTerminal(s)) closeEnded(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    // The socket is for listening; a ping gets a pong, anything else the current progress.
    if (typeof message === "string" && message.includes('"ping"')) {
      ws.send(frameText("pong", {}));
      return;
    }
    const s = await this.load();
    if (s) ws.send(progressFrame(s));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  // ---- Alarm: watchdog (re-drives lost work) and retrying the row update ----

  override async alarm(): Promise<void> {
    const s = await this.load();
    if (!s) return;
    if (!isTerminal(s) && Date.now() - lastSign(s) >= watchdogMs(this.env)) return this.redrive(s);
    // Whoever ended the job did not confirm the row: its process action's consumer writes it.
    if (s.row_pending) await sendProcessAction(this.env, s, "ingestion-job");
    await this.schedule();
  }

  // ---- private ----

  /**
   * Sends the lost work again, or fails the job. Work that started and went silent spends an
   * attempt (MAX_ATTEMPTS in all); work that never started (lost before it ran, or still queued)
   * is sent again for free, until it has waited WAITING_LIMIT_MS.
   */
  private async redrive(s: JobState): Promise<void> {
    const attempt = s.redrives + 2; // the first run was attempt 1
    if (s.started && attempt > MAX_ATTEMPTS)
      return this.failWith(s, "INGESTION_STALLED", STALLED_MESSAGE);
    if (!s.started && Date.now() - (s.quiet_since || s.created_at) >= WAITING_LIMIT_MS)
      return this.failWith(s, "INGESTION_STALLED", WAITING_MESSAGE);
    if (s.stage === "embedding") {
      const sent = await sendPendingBatches(this.env, s);
      if ("missing" in sent) return this.failWith(s, "INGESTION_STALLED", BATCHES_LOST_MESSAGE);
    } else {
      // stored, parsing, chunking: the process action starts again from the original in R2.
      await sendProcessAction(this.env, s, "ingestion-job");
    }
    const message = s.started
      ? `Resuming after an interruption (attempt ${attempt} of ${MAX_ATTEMPTS})`
      : WAITING_AGAIN_MESSAGE;
    await this.save({
      ...s,
      redrives: s.started ? s.redrives + 1 : s.redrives,
      started: false,
      message,
    });
  }

  private async failWith(s: JobState, code: string, message: string): Promise<void> {
    await this.end({ ...s, stage: "failed", message, error: { code, message } });
  }

  private async finish(s: JobState): Promise<void> {
    await this.end({
      ...s,
      stage: "completed",
      message: `Ready: ${s.total_chunks} chunk${s.total_chunks === 1 ? "" : "s"} indexed`,
      chunks_processed: s.total_chunks,
    });
  }

  private async end(s: JobState): Promise<void> {
    await this.save({ ...s, row_pending: true });
    // Chunk batches were only a hand-over between stages.
    await deletePrefix(this.env.DOCUMENTS, batchPrefix(s));
    // A job that did not complete leaves no searchable chunks behind.
    if (s.stage !== "completed")
      await selectVectorStore(this.env).deleteDocument(s.tenant_id, s.document_id);
  }

  private async load(): Promise<JobState | null> {
    if (this.state !== undefined) return this.state;
    const raw = await this.ctx.storage.get("state");
    const parsed = JobStateSchema.safeParse(raw);
    this.state = parsed.success ? parsed.data : null;
    return this.state;
  }

  private async save(s: JobState, touch = true): Promise<void> {
    const mark = progressMark(s);
    // Passing the furthest point is progress: the job gets its attempts back.
    const moved =
      mark > s.best_mark
        ? {
            best_mark: mark,
            redrives: 0,
            started: RUNNING_STAGES.includes(s.stage),
            quiet_since: Date.now(),
          }
        : {};
    const next = touch ? { ...s, ...moved, updated_at: Date.now() } : s;
    this.state = next;
    await this.ctx.storage.put("state", next);
    if (touch) {
      const text = progressFrame(next);
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
    const watchdog = watchdogMs(this.env);
    if (s.row_pending)
      return void (await this.ctx.storage.setAlarm(Date.now() + Math.min(ROW_RETRY_MS, watchdog)));
    if (!isTerminal(s)) return void (await this.ctx.storage.setAlarm(lastSign(s) + watchdog));
    await this.ctx.storage.deleteAlarm();
  }
}

async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  for (let more = true; more;) {
    const listed = await bucket.list({ prefix });
    if (listed.objects.length) await bucket.delete(listed.objects.map((o) => o.key));
    more = listed.truncated;
  }
}
