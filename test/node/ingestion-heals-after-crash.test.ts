/**
 * A crash loses the queue messages in flight, not the job: the real `wrangler dev` is killed
 * (SIGKILL of its process tree) mid-parse, mid-embedding and late in embedding (where the last
 * batches are being indexed into the vector store), restarted on the same state and database,
 * and each job ends `completed` with the exact chunk count of a clean run, by itself. The 872-page handbook is the file of the crash in issue #11.
 * The watchdog runs every second here (INGESTION_WATCHDOG_MS) instead of every minute.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkDocument } from "../../workers/ingestion/chunk.ts";
import { parseDocx } from "../../workers/ingestion/docx.ts";
import { planTestDatabase } from "../support/database.ts";
import { jsonClient } from "./harness.ts";
import { startWranglerDev } from "./wrangler-dev.ts";
import type { WranglerDev } from "./wrangler-dev.ts";

const HANDBOOK = new URL("../../../shared/eval/docs/handbook-872p.docx", import.meta.url);
const SETTINGS = { chunk_size: 128, chunk_overlap: 16 };

interface Progress {
  status: string;
  stage: string;
  message: string;
  chunks_processed: number;
  total_chunks: number;
}

let dev: WranglerDev;
let stateDir: string;
let token: string;
let bytes: Uint8Array;
let expectedChunks: number;
let sql: postgres.Sql;
const call = jsonClient(() => dev.url);

beforeAll(async () => {
  bytes = new Uint8Array(await readFile(HANDBOOK));
  expectedChunks = chunkDocument(await parseDocx(bytes), SETTINGS).length;
  sql = postgres((await planTestDatabase()).url, { max: 1, onnotice: () => undefined });
  stateDir = await mkdtemp(join(tmpdir(), "nooble-crash-"));
  dev = await startWranglerDev(stateDir, { INGESTION_WATCHDOG_MS: "1000" });
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `crash-${Date.now()}@example.com` },
  });
  token = signIn.body.access_token;
});

afterAll(async () => {
  await dev?.stop();
  await sql?.end();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

async function upload(): Promise<{ job_id: string; document_id: string }> {
  const form = new FormData();
  form.append("file", new Blob([bytes]), "handbook-872p.docx");
  form.append("chunk_size", String(SETTINGS.chunk_size));
  form.append("chunk_overlap", String(SETTINGS.chunk_overlap));
  const res = await call("/api/v1/ingest", { method: "POST", token, body: form });
  expect(res.status).toBe(202);
  return res.body;
}

const status = async (jobId: string): Promise<Progress> =>
  (await call(`/api/v1/ingest/${jobId}/status`, { token })).body;

/** Polls the job until `reached` holds, then kills the server; returns what was seen last. */
async function crashWhen(jobId: string, reached: (p: Progress) => boolean): Promise<Progress> {
  for (;;) {
    const p = await status(jobId);
    if (p.status !== "processing")
      throw new Error(`the job ended before the crash point: ${JSON.stringify(p)}\n${dev.log()}`);
    if (reached(p)) {
      await dev.crash();
      return p;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the document's row to leave `processing`, reading Postgres only (the job is not touched). */
async function rowOutcome(
  documentId: string,
): Promise<{ status: string; chunk_count: number; error: string | null }> {
  for (;;) {
    const [row] = await sql<
      { status: string; chunk_count: number; error: string | null }[]
    >`select status, chunk_count, error from documents where id = ${documentId}`;
    if (row && row.status !== "processing" && row.status !== "pending") return row;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectCompleted(run: { job_id: string; document_id: string }) {
  expect(await rowOutcome(run.document_id)).toEqual({
    status: "completed",
    chunk_count: expectedChunks,
    error: null,
  });
  expect(await status(run.job_id)).toMatchObject({
    status: "completed",
    total_chunks: expectedChunks,
    chunks_processed: expectedChunks,
  });
}

describe("ingestion after the server is killed mid-job", () => {
  it(
    "resumes a job killed mid-parse by itself: its alarm fires after the restart without anyone touching the job",
    { timeout: 120_000 },
    async () => {
      const run = await upload();
      const seen = await crashWhen(run.job_id, (p) => p.stage === "parsing");
      expect(seen.chunks_processed).toBe(0);
      await dev.restart();
      await expectCompleted(run);
    },
  );

  it(
    "resumes a job killed mid-embedding from the batches it had not counted",
    { timeout: 120_000 },
    async () => {
      const run = await upload();
      const seen = await crashWhen(
        run.job_id,
        (p) => p.stage === "embedding" && p.chunks_processed > 0,
      );
      expect(seen.chunks_processed).toBeLessThan(expectedChunks);
      await dev.restart();
      await expectCompleted(run);
    },
  );

  it(
    "finishes a job killed while its last batches were being indexed into the vector store",
    { timeout: 120_000 },
    async () => {
      const run = await upload();
      const seen = await crashWhen(
        run.job_id,
        (p) => p.stage === "embedding" && p.chunks_processed >= expectedChunks / 2,
      );
      expect(seen.chunks_processed).toBeLessThan(expectedChunks);
      await dev.restart();
      await expectCompleted(run);
    },
  );
});
