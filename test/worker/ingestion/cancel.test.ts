/**
 * DELETE /api/v1/ingest/{job_id} while the job is processing: the job ends `cancelled`, the
 * row says so, no chunk stays searchable (not even one whose batch was being embedded at the
 * moment of the cancel), the hand-over files are gone and the original is kept for a re-index.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { WorkerEnv } from "../../../workers/env.ts";
import { api, expectError, signIn } from "../helpers.ts";
import {
  deliver,
  documentRows,
  drain,
  holdPipelineQueues,
  ingestText,
  r2Keys,
  sentences,
  status,
  storedChunks,
  take,
} from "./pipeline.ts";

holdPipelineQueues();

const SETTINGS = { chunk_size: 64, chunk_overlap: 8 };

async function started() {
  const owner = await signIn();
  const job = await ingestText(owner.token, sentences(500), SETTINGS);
  return { ...owner, ...job };
}

const cancel = (token: string, jobId: string) =>
  api(`/api/v1/ingest/${jobId}`, { method: "DELETE", token });

async function expectCancelledAndClean(run: Awaited<ReturnType<typeof started>>) {
  expect(await status(run.token, run.job_id)).toMatchObject({
    status: "error",
    stage: "cancelled",
    error: { code: "INGESTION_CANCELLED" },
  });
  expect(await storedChunks(run.userId, run.document_id)).toEqual([]);
  expect(await r2Keys(run.userId)).toEqual([
    `tenants/${run.userId}/documents/${run.document_id}/original`,
  ]);
  expect(await documentRows(run.userId)).toEqual([
    expect.objectContaining({ status: "failed", error: "Cancelled by the owner", chunk_count: 0 }),
  ]);
}

describe("cancelling an ingestion job", () => {
  it("stops a job part-way through embedding and removes the chunks it had stored", async () => {
    const run = await started();
    await deliver("ingestion", take("ingestion", run.job_id));
    const batches = take("embedding", run.job_id);
    expect(batches.length).toBeGreaterThan(2);
    await deliver("embedding", batches.slice(0, 1));
    expect((await storedChunks(run.userId, run.document_id)).length).toBe(64);

    const res = await cancel(run.token, run.job_id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      job_id: run.job_id,
      status: "error",
      stage: "cancelled",
      progress: 1,
    });
    await expectCancelledAndClean(run);

    expect(await deliver("embedding", batches)).toEqual({ acks: batches.length, retries: 0 });
    await drain(run.job_id);
    await expectCancelledAndClean(run);
  });

  it("removes a batch that was being embedded when the cancel arrived", async () => {
    const run = await started();
    await deliver("ingestion", take("ingestion", run.job_id));
    const [first] = take("embedding", run.job_id);
    // The owner cancels after the consumer checked the job and before its upsert lands.
    const racing: WorkerEnv = {
      ...env,
      DOCUMENTS: new Proxy(env.DOCUMENTS, {
        get: (target, prop) => {
          if (prop !== "get") {
            const value: unknown = Reflect.get(target, prop);
            return typeof value === "function" ? value.bind(target) : value;
          }
          return async (key: string) => {
            const body = await (await target.get(key))?.text();
            await cancel(run.token, run.job_id);
            return { json: () => Promise.resolve(JSON.parse(body ?? "null") as unknown) };
          };
        },
      }),
    };
    expect(await deliver("embedding", [first], { env: racing })).toEqual({ acks: 1, retries: 0 });
    await expectCancelledAndClean(run);
  });

  it("cancels a job that was never processed, before any stage ran", async () => {
    const run = await started();
    expect((await cancel(run.token, run.job_id)).status).toBe(200);
    await drain(run.job_id);
    await expectCancelledAndClean(run);
  });

  it("leaves a completed job and its chunks as they are", async () => {
    const run = await started();
    await drain(run.job_id);
    const done = await status(run.token, run.job_id);
    expect(done.status).toBe("completed");
    const res = await cancel(run.token, run.job_id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "completed",
      total_chunks: done.total_chunks,
    });
    expect((await storedChunks(run.userId, run.document_id)).length).toBe(done.total_chunks);
  });

  it("answers 404 for another owner's job and for an unknown one, cancelling nothing", async () => {
    const run = await started();
    const other = await signIn();
    await expectError(await cancel(other.token, run.job_id), 404, "JOB_NOT_FOUND");
    await expectError(await cancel(run.token, crypto.randomUUID()), 404, "JOB_NOT_FOUND");
    await expectError(await cancel(run.token, "not-a-job"), 404, "JOB_NOT_FOUND");
    expect((await status(run.token, run.job_id)).status).toBe("processing");
    await drain(run.job_id);
    expect((await status(run.token, run.job_id)).status).toBe("completed");
  });
});
