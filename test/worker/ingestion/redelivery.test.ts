/**
 * Queues deliver at least once: every stage of the pipeline, delivered twice or interrupted
 * part-way and delivered again, must leave exactly the chunks a single clean run makes, under
 * the same ids, each once, and a job that counts every batch once.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { WorkerEnv } from "../../../workers/env.ts";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseDocument } from "../../../workers/ingestion/parse.ts";
import { chunkId } from "../../../workers/services/ingestion/chunk-batches.ts";
import { signIn } from "../helpers.ts";
import {
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
} from "./pipeline.ts";

holdPipelineQueues();

const SETTINGS = { chunk_size: 64, chunk_overlap: 8 };
const TEXT = sentences(700);

/** The chunks one clean run makes of TEXT: what every test must end with. */
async function expectedChunks(): Promise<string[]> {
  const doc = await parseDocument(new TextEncoder().encode(TEXT), "text");
  return chunkDocument(doc, SETTINGS).map((c) => c.text);
}

async function start() {
  const owner = await signIn();
  const job = await ingestText(owner.token, TEXT, SETTINGS);
  return { ...owner, ...job };
}

/** Asserts the end state of a clean run: completed job and row, exact chunks under stable ids, no hand-over files. */
async function expectExactlyOnce(run: Awaited<ReturnType<typeof start>>) {
  const expected = await expectedChunks();
  expect(expected.length).toBeGreaterThan(128); // at least three embedding batches
  const progress = await status(run.token, run.job_id);
  expect(progress).toMatchObject({
    status: "completed",
    total_chunks: expected.length,
    chunks_processed: expected.length,
  });
  const rows = await storedChunks(run.userId, run.document_id);
  expect(rows.map((r) => r.text)).toEqual(expected);
  expect(rows.map((r) => r.id)).toEqual(expected.map((_, i) => chunkId(run.document_id, i)));
  expect(await documentRows(run.userId)).toEqual([
    expect.objectContaining({
      id: run.document_id,
      status: "completed",
      chunk_count: expected.length,
    }),
  ]);
  expect(await r2Keys(run.userId)).toEqual([
    `tenants/${run.userId}/documents/${run.document_id}/original`,
  ]);
}

/** `env` with one method of one binding replaced, for a crash at a chosen point. */
function envWith(
  binding: "DOCUMENTS" | "EMBEDDING_QUEUE",
  method: string,
  replacement: (...args: never[]) => unknown,
): WorkerEnv {
  const real = env[binding];
  const wrapped = new Proxy(real, {
    get: (target, prop) => {
      if (prop === method) return replacement;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...env, [binding]: wrapped };
}

/** `env` whose IngestionJob stubs fail `method` (the stage crashed just before reporting). */
function envWithJobFailing(method: string): WorkerEnv {
  const ns = env.INGESTION_JOB;
  const namespace = {
    idFromName: (name: string) => ns.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = ns.get(id);
      return new Proxy(stub, {
        get: (target, prop) =>
          prop === method
            ? () => Promise.reject(new Error("crashed before reporting"))
            : (Reflect.get(target, prop) as unknown),
      });
    },
  };
  return { ...env, INGESTION_JOB: namespace as unknown as WorkerEnv["INGESTION_JOB"] };
}

describe("ingestion under duplicate and interrupted deliveries", () => {
  it("makes each chunk once when every stage message is delivered twice, in one batch and again later", async () => {
    const run = await start();
    const [process] = take("ingestion", run.job_id);
    expect(process).toBeDefined();
    expect(await deliver("ingestion", [process, process])).toEqual({ acks: 2, retries: 0 });
    const batches = take("embedding", run.job_id);
    // The second delivery found the job chunked and queued the pending batches again.
    expect(batches.length % 2).toBe(0);
    const doubled = [...batches, ...batches].reverse();
    for (let i = 0; i < doubled.length; i += 5)
      expect((await deliver("embedding", doubled.slice(i, i + 5))).retries).toBe(0);
    expect(await deliver("ingestion", [process])).toEqual({ acks: 1, retries: 0 });
    expect(take("embedding", run.job_id)).toEqual([]);
    await expectExactlyOnce(run);
  });

  it("resumes an ingestion stage that crashed after writing part of its chunk batches", async () => {
    const run = await start();
    const [process] = take("ingestion", run.job_id);
    let puts = 0;
    const crashing = envWith("DOCUMENTS", "put", (...args: never[]) => {
      if (++puts === 2) return Promise.reject(new Error("crashed mid-stage"));
      return env.DOCUMENTS.put(...(args as unknown as Parameters<R2Bucket["put"]>));
    });
    expect(await deliver("ingestion", [process], { env: crashing })).toEqual({
      acks: 0,
      retries: 1,
    });
    expect(take("embedding", run.job_id)).toEqual([]);
    expect((await status(run.token, run.job_id)).status).toBe("processing");
    await deliver("ingestion", [process], { attempts: 2 });
    await drain(run.job_id);
    await expectExactlyOnce(run);
  });

  it("queues the batches again when the stage crashed after chunking but before queueing them", async () => {
    const run = await start();
    const [process] = take("ingestion", run.job_id);
    const crashing = envWith("EMBEDDING_QUEUE", "sendBatch", () =>
      Promise.reject(new Error("queue unavailable")),
    );
    expect(await deliver("ingestion", [process], { env: crashing })).toEqual({
      acks: 0,
      retries: 1,
    });
    expect((await status(run.token, run.job_id)).stage).toBe("embedding");
    await deliver("ingestion", [process], { attempts: 2 });
    await drain(run.job_id);
    await expectExactlyOnce(run);
  });

  it("overwrites instead of duplicating when an embedding batch was stored but not reported", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    const batches = take("embedding", run.job_id);
    const crashing = envWithJobFailing("batchDone");
    expect(await deliver("embedding", batches.slice(0, 2), { env: crashing })).toEqual({
      acks: 0,
      retries: 2,
    });
    const partial = await storedChunks(run.userId, run.document_id);
    expect(partial.length).toBe(128);
    expect((await status(run.token, run.job_id)).chunks_processed).toBe(0);
    await deliver("embedding", batches, { attempts: 2 });
    await expectExactlyOnce(run);
  });

  it("finishes when the job's Durable Object is evicted between stages", async () => {
    const run = await start();
    await deliver("ingestion", take("ingestion", run.job_id));
    await evictDurableObject(jobStub(run.job_id));
    const batches = take("embedding", run.job_id);
    await deliver("embedding", batches.slice(0, 1));
    await evictDurableObject(jobStub(run.job_id));
    await deliver("embedding", batches);
    await expectExactlyOnce(run);
  });
});
