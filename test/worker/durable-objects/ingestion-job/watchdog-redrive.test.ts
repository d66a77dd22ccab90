/**
 * The IngestionJob's watchdog re-drives work a crash lost (queue messages in flight are gone,
 * the job's state is not): the process action of a lost first stage, only the embedding
 * batches not yet done, a bounded number of times, then the job fails with a reason the owner
 * can act on. A stage that still beats is left alone. Silence is simulated by ageing the
 * job's stored clock (ageJob), never by waiting.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { watchdogMs } from "../../../../workers/ingestion/watchdog.ts";
import { signIn } from "../../helpers.ts";
import {
  ageJob,
  deliver,
  documentRows,
  drain,
  holdPipelineQueues,
  ingestText,
  jobStub,
  r2Keys,
  sentences,
  status,
  storedChunks,
  take,
} from "../../ingestion/pipeline.ts";

holdPipelineQueues();

const SETTINGS = { chunk_size: 64, chunk_overlap: 8 };
const SILENCE = watchdogMs(env) + 1000;

async function start() {
  const owner = await signIn();
  const job = await ingestText(owner.token, sentences(500), SETTINGS);
  return { ...owner, ...job };
}

/** The watchdog fires after a silence: runs the job's alarm as the runtime would. */
async function silenceThenAlarm(jobId: string, ms = SILENCE): Promise<void> {
  await ageJob(jobId, ms);
  expect(await runDurableObjectAlarm(jobStub(jobId))).toBe(true);
}

/** Work on the job began (a stage's first heartbeat) and then the process died: a crash. */
async function startedThenCrashed(jobId: string): Promise<void> {
  await jobStub(jobId).heartbeat();
  await silenceThenAlarm(jobId);
}

const WAITING_AGAIN = "Waiting to be processed (queued again after a minute without news)";

const batchIndexes = (jobId: string) => take("embedding", jobId).map((a) => a.data["batch_index"]);

describe("the ingestion watchdog re-drives lost work", () => {
  it("sends the process action again when the first stage was lost, tells the owner, and the job completes", async () => {
    const run = await start();
    expect(take("ingestion", run.job_id)).toHaveLength(1); // lost in the crash
    await silenceThenAlarm(run.job_id);
    const resent = take("ingestion", run.job_id);
    expect(resent.map((a) => a.data)).toEqual([
      { job_id: run.job_id, document_id: run.document_id },
    ]);
    expect(await status(run.token, run.job_id)).toMatchObject({
      status: "processing",
      stage: "stored",
      message: WAITING_AGAIN,
    });
    await deliver("ingestion", resent);
    await drain(run.job_id);
    const done = await status(run.token, run.job_id);
    expect(done).toMatchObject({ status: "completed", chunks_processed: done.total_chunks });
    expect(await documentRows(run.userId)).toEqual([
      expect.objectContaining({ status: "completed", chunk_count: done.total_chunks }),
    ]);
  });

  it("re-sends only the embedding batches not yet done, and every chunk is stored once", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    const batches = take("embedding", run.job_id);
    expect(batches.length).toBeGreaterThan(3);
    await deliver("embedding", batches.slice(0, 2));
    await startedThenCrashed(run.job_id);
    expect(batchIndexes(run.job_id)).toEqual(batches.slice(2).map((a) => a.data["batch_index"]));
    await startedThenCrashed(run.job_id); // lost again: the same batches, attempt 3
    const again = take("embedding", run.job_id);
    expect(again.map((a) => a.data["batch_index"])).toEqual(
      batches.slice(2).map((a) => a.data["batch_index"]),
    );
    expect((await status(run.token, run.job_id)).message).toBe(
      "Resuming after an interruption (attempt 3 of 3)",
    );
    await deliver("embedding", again);
    const done = await status(run.token, run.job_id);
    expect(done).toMatchObject({ status: "completed", chunks_processed: done.total_chunks });
    expect((await storedChunks(run.userId, run.document_id)).length).toBe(done.total_chunks);
  });

  it("gives a job its attempts back once it makes progress after a re-drive", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    const batches = take("embedding", run.job_id);
    await startedThenCrashed(run.job_id);
    await deliver("embedding", take("embedding", run.job_id).slice(0, 1));
    await startedThenCrashed(run.job_id);
    expect((await status(run.token, run.job_id)).message).toBe(
      "Resuming after an interruption (attempt 2 of 3)",
    );
    expect(batchIndexes(run.job_id)).toEqual(batches.slice(1).map((a) => a.data["batch_index"]));
  });

  it("fails with a reason the owner can act on after 3 attempts without progress, and writes it on the row", async () => {
    const run = await start();
    take("ingestion", run.job_id);
    // Each time the stage starts and the process dies (a file that crashes the server, say).
    await startedThenCrashed(run.job_id);
    await startedThenCrashed(run.job_id);
    expect(take("ingestion", run.job_id)).toHaveLength(2);
    await startedThenCrashed(run.job_id);
    const failed = await status(run.token, run.job_id);
    expect(failed).toMatchObject({
      status: "error",
      stage: "failed",
      error: { code: "INGESTION_STALLED" },
    });
    expect(failed.message).toMatch(
      /^Processing was interrupted 3 times without making progress\. Re-index the document/,
    );
    // The row is owed: the next alarm queues the process action, whose consumer writes it.
    expect(await runDurableObjectAlarm(jobStub(run.job_id))).toBe(true);
    await drain(run.job_id);
    expect(await documentRows(run.userId)).toEqual([
      expect.objectContaining({ status: "failed", error: failed.message, chunk_count: 0 }),
    ]);
  });

  it("fails instead of re-sending when a pending batch's chunks are gone from R2", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    const [first] = take("embedding", run.job_id);
    await env.DOCUMENTS.delete(String(first?.data["batch_key"]));
    await silenceThenAlarm(run.job_id);
    expect(take("embedding", run.job_id)).toEqual([]);
    expect(await status(run.token, run.job_id)).toMatchObject({
      stage: "failed",
      error: {
        code: "INGESTION_STALLED",
        message:
          "Processing was interrupted and the prepared chunks were lost. Re-index the document to try again.",
      },
    });
    expect(await r2Keys(run.userId)).toEqual([
      `tenants/${run.userId}/documents/${run.document_id}/original`,
    ]);
  });

  it("sends work that never started again without spending attempts, until it has waited 30 minutes", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    const batches = take("embedding", run.job_id).length;
    // The batches wait in a queue behind other uploads: nothing starts them for five periods.
    for (let i = 0; i < 5; i++) await silenceThenAlarm(run.job_id);
    expect(take("embedding", run.job_id)).toHaveLength(5 * batches);
    expect(await status(run.token, run.job_id)).toMatchObject({
      status: "processing",
      stage: "embedding",
      message: WAITING_AGAIN,
    });
    await silenceThenAlarm(run.job_id, 31 * 60_000);
    expect(await status(run.token, run.job_id)).toMatchObject({
      stage: "failed",
      error: {
        code: "INGESTION_STALLED",
        message: "Processing did not start within 30 minutes. Re-index the document to try again.",
      },
    });
  });

  it("leaves a stage that is still beating alone, however long since its last progress", async () => {
    const run = await start();
    await ageJob(run.job_id, SILENCE);
    await jobStub(run.job_id).heartbeat();
    expect(await runDurableObjectAlarm(jobStub(run.job_id))).toBe(true);
    expect(take("ingestion", run.job_id)).toHaveLength(1); // only the upload's own
    expect(await status(run.token, run.job_id)).toMatchObject({
      stage: "stored",
      message: "File stored; waiting to be processed",
    });
  });

  it("a duplicate process action leaves a stage another delivery is running, but a failed stage's retry goes on", async () => {
    const run = await start();
    const [action] = take("ingestion", run.job_id);
    await jobStub(run.job_id).advance("parsing", "Reading the TEXT file"); // another delivery is parsing
    await jobStub(run.job_id).heartbeat();
    await deliver("ingestion", [action]);
    expect(take("embedding", run.job_id)).toEqual([]);
    expect(await status(run.token, run.job_id)).toMatchObject({ stage: "parsing" });
    await jobStub(run.job_id).heartbeat(false); // that delivery failed: its retry must run
    await deliver("ingestion", [action]);
    expect(take("embedding", run.job_id).length).toBeGreaterThan(0);
  });
});
