/**
 * Hostile and very large uploads through the real Worker (POST /api/v1/ingest, the queue
 * consumer, the IngestionJob): a DOCX zip bomb fails at once with the owner's reason while
 * the server keeps answering, deep HTML fails at once instead of being retried, and a
 * normal 1M-row CSV export completes with its chunks.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deeplyNestedHtml, docxZipBomb, manyRowCsv } from "../support/hostile-files.ts";
import { startWorker } from "./harness.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
let token: string;

const api = async (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${worker.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  worker = await startWorker();
  const signIn = await fetch(`${worker.url}/api/v1/dev/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `hostile-${Date.now()}@example.com` }),
  });
  token = ((await signIn.json()) as { access_token: string }).access_token;
});
afterAll(async () => {
  await worker?.server.close();
});

async function upload(bytes: Uint8Array | string, name: string) {
  const form = new FormData();
  form.append("file", new Blob([bytes]), name);
  const res = await api("/api/v1/ingest", { method: "POST", body: form });
  expect(res.status).toBe(202);
  return res.body as { job_id: string; document_id: string };
}

/** Polls the job until it leaves `processing`, counting the polls that answered 200. */
async function finalStatus(jobId: string) {
  let answered = 0;
  for (let i = 0; i < 2400; i++) {
    const s = await api(`/api/v1/ingest/${jobId}/status`);
    if (s.status === 200) answered += 1;
    if (s.body?.status !== "processing") return { ...s.body, answered };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${jobId} did not finish`);
}

describe("hostile uploads through the real pipeline", () => {
  it(
    "fails a DOCX zip bomb at once with the owner's reason, and the server keeps answering",
    { timeout: 120_000 },
    async () => {
      const { job_id, document_id } = await upload(docxZipBomb(100), "bomb.docx");
      const final = await finalStatus(job_id);
      expect(final.status).toBe("error");
      expect(final.error).toMatchObject({
        code: "DOCUMENT_TOO_LARGE",
        message:
          "this Word document expands to more than 32 MB when unpacked, more than can be read safely; split it into smaller documents",
      });
      // The status route answered while the bomb was being processed.
      expect(final.answered).toBeGreaterThan(0);
      const doc = await api(`/api/v1/documents/${document_id}`);
      expect(doc.body).toMatchObject({ status: "failed", error: final.error.message });
      const health = await fetch(`${worker.url}/health`);
      expect(health.status).toBe(200);
      const other = await upload("Still here after the bomb.", "after.txt");
      expect((await finalStatus(other.job_id)).status).toBe("completed");
    },
  );

  it(
    "fails 100k nested HTML tags at once with the depth reason instead of retrying a stack overflow",
    { timeout: 120_000 },
    async () => {
      const { job_id } = await upload(deeplyNestedHtml(100_000), "nest.html");
      const final = await finalStatus(job_id);
      expect(final.status).toBe("error");
      expect(final.error).toMatchObject({
        code: "DOCUMENT_TOO_LARGE",
        message:
          "this document nests its HTML elements more than 10,000 levels deep, more than can be read safely",
      });
    },
  );

  it(
    "ingests a normal 1M-row CSV export to completion with its chunks",
    { timeout: 900_000 },
    async () => {
      const { job_id, document_id } = await upload(manyRowCsv(1_000_000), "export.csv");
      const final = await finalStatus(job_id);
      expect(final).toMatchObject({ status: "completed" });
      expect(final.total_chunks).toBeGreaterThan(10_000);
      const doc = await api(`/api/v1/documents/${document_id}`);
      expect(doc.body).toMatchObject({ status: "completed", chunk_count: final.total_chunks });
    },
  );
});
