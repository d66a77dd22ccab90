/**
 * WS /ws/ingest/{job_id}?token=: the owner watches a job's real stages in order, with
 * progress that never goes back, and a final frame (completed, or error with a reason), after
 * which the job closes the socket normally. Only the job's owner may listen.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { IngestionProgressSchema } from "../../../../shared/protocol/ingestion.ts";
import type { IngestionProgress } from "../../../../shared/protocol/ingestion.ts";
import { BASE, expectError, mintToken, signIn } from "../../helpers.ts";
import {
  drain,
  holdPipelineQueues,
  ingestText,
  jobStub,
  sentences,
} from "../../ingestion/pipeline.ts";

holdPipelineQueues();

interface ProgressFrame {
  message_type: string;
  task_id: string | null;
  data: IngestionProgress;
}

const connect = (jobId: string, token: string | null) =>
  exports.default.fetch(
    new Request(
      `${BASE}/ws/ingest/${jobId}${token === null ? "" : `?token=${encodeURIComponent(token)}`}`,
      { headers: { upgrade: "websocket" } },
    ),
  );

/**
 * Opens the progress socket and collects its frames; `final` resolves with the first
 * non-processing one, `closed` with the close the job sent (and the frames seen before it).
 */
async function listen(jobId: string, token: string) {
  const res = await connect(jobId, token);
  const ws = res.webSocket;
  if (!ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: ProgressFrame[] = [];
  const final = new Promise<ProgressFrame>((resolve) => {
    ws.addEventListener("message", (ev) => {
      const frame = JSON.parse(String(ev.data)) as ProgressFrame;
      frames.push(frame);
      if (frame.data.status !== "processing") resolve(frame);
    });
  });
  const closed = new Promise<{ code: number; reason: string; framesBefore: number }>((resolve) => {
    ws.addEventListener("close", (ev) =>
      resolve({ code: ev.code, reason: ev.reason, framesBefore: frames.length }),
    );
  });
  return { frames, final, closed, close: () => ws.close(1000, "done") };
}

/** Stages in the order first seen, without repeats. */
const stagesOf = (frames: ProgressFrame[]) =>
  frames.map((f) => f.data.stage).filter((s, i, all) => s !== all[i - 1]);

describe("ingestion progress socket", () => {
  it("streams stored, parsing, chunking, embedding and a final completed frame, progress never going back", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, sentences(400), { chunk_size: 64, chunk_overlap: 8 });
    const socket = await listen(job.job_id, owner.token);
    await drain(job.job_id);
    const final = await socket.final;
    // The job closes the socket itself after the final frame, with a normal close.
    const closed = await socket.closed;
    expect(closed).toMatchObject({
      code: 1000,
      reason: "The ingestion job has ended.",
      framesBefore: socket.frames.length,
    });
    socket.close();

    for (const f of socket.frames) {
      expect(f.message_type).toBe("ingestion_progress");
      expect(f.task_id).toBe(job.job_id);
      expect(IngestionProgressSchema.safeParse(f.data).success).toBe(true);
    }
    expect(stagesOf(socket.frames)).toEqual([
      "stored",
      "parsing",
      "chunking",
      "embedding",
      "completed",
    ]);
    const progress = socket.frames.map((f) => f.data.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const embedding = socket.frames.filter((f) => f.data.stage === "embedding");
    expect(embedding.length).toBeGreaterThan(2); // one frame per batch: "k of n"
    expect(embedding.at(-1)?.data.message).toMatch(/^Embedded and indexed (\d+) of \1 batches$/);
    expect(final.data).toMatchObject({
      status: "completed",
      progress: 1,
      error: null,
      job_id: job.job_id,
      document_id: job.document_id,
    });
    expect(final.data.total_chunks).toBeGreaterThan(128);
    expect(final.data.chunks_processed).toBe(final.data.total_chunks);
    expect(socket.frames.at(-1)).toBe(final);
  });

  it("ends with an error frame that gives the reason when the file has no text", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, " \n\t\n ");
    const socket = await listen(job.job_id, owner.token);
    await drain(job.job_id);
    const final = await socket.final;
    socket.close();
    expect(final.data).toMatchObject({
      status: "error",
      stage: "failed",
      progress: 1,
      error: { code: "NO_EXTRACTABLE_TEXT" },
    });
    expect(final.data.error?.message).toMatch(/no extractable text/i);
  });

  it("sends a late listener the job's final state at once, then closes", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, sentences(20));
    await drain(job.job_id);
    const socket = await listen(job.job_id, owner.token);
    const final = await socket.final;
    expect(await socket.closed).toMatchObject({ code: 1000, framesBefore: 1 });
    socket.close();
    expect(socket.frames).toHaveLength(1);
    expect(final.data).toMatchObject({ status: "completed", stage: "completed" });
  });

  it("lets only the job's owner listen", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, sentences(20));
    await expectError(await connect(job.job_id, null), 401, "UNAUTHENTICATED");
    await expectError(await connect(job.job_id, (await signIn()).token), 404, "JOB_NOT_FOUND");
    await expectError(
      await connect(
        job.job_id,
        await mintToken({ sub: owner.userId }, { secret: "another-secret-0123456789abcdef0123" }),
      ),
      401,
      "UNAUTHENTICATED",
    );
    await expectError(await connect(crypto.randomUUID(), owner.token), 404, "JOB_NOT_FOUND");
    await drain(job.job_id);
  });

  it("answers what is not a socket upgrade, or a job that does not exist, in the API's error shape", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, sentences(20));
    const notUpgrade = await jobStub(job.job_id).fetch(new Request(`${BASE}/ws/ingest/x`));
    const refused = await expectError(notUpgrade, 426, "VALIDATION_FAILED");
    expect(refused.request_id).toMatch(/^[0-9a-f-]{36}$/);
    const unknown = await jobStub(crypto.randomUUID()).fetch(
      new Request(`${BASE}/ws/ingest/x`, {
        headers: { upgrade: "websocket", "x-request-id": "req-from-the-worker" },
      }),
    );
    expect((await expectError(unknown, 404, "JOB_NOT_FOUND")).request_id).toBe(
      "req-from-the-worker",
    );
    await drain(job.job_id);
  });
});
