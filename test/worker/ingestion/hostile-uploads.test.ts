/**
 * Hostile uploads through POST /api/v1/ingest: too large, not a document, an extension that
 * lies, empty, password-protected, one enormous line. Each gets a clear answer; a refused
 * upload leaves nothing behind (no R2 object, no document row, no queued work), and a file
 * that fails later leaves no chunk searchable.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../workers/api/app.ts";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseDocument } from "../../../workers/ingestion/parse.ts";
import { BASE, expectError, signIn } from "../helpers.ts";
import { DOCX_TABLES_BASE64, PDF_MEMO_BASE64, fromBase64 } from "./fixtures.ts";
import {
  documentRows,
  drain,
  holdPipelineQueues,
  ingestText,
  r2Keys,
  status,
  storedChunks,
  take,
  uploadFile,
} from "./pipeline.ts";
import type { Started } from "./pipeline.ts";
import { encryptedPdf } from "./encrypted-pdf.ts";

holdPipelineQueues();

async function expectNothingStored(tenantId: string) {
  expect(await documentRows(tenantId)).toEqual([]);
  expect(await r2Keys(tenantId)).toEqual([]);
}

/** Uploads through the Worker with MAX_UPLOAD_BYTES set to `limit`. */
function uploadWithLimit(token: string, body: BodyInit, limit: number, type?: string) {
  const headers = new Headers({ authorization: `Bearer ${token}` });
  if (type) headers.set("content-type", type);
  const request = new Request(`${BASE}/api/v1/ingest`, { method: "POST", headers, body });
  return app.fetch(request, { ...env, MAX_UPLOAD_BYTES: String(limit) }, createExecutionContext());
}

async function accepted(res: Response): Promise<Started> {
  const text = await res.text();
  expect(res.status, text).toBe(202);
  return JSON.parse(text) as Started;
}

const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1,
  0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
]);
const ZIP = new Uint8Array([
  0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0,
  0, 0, 0x61, 0x2e, 0x62, 0x69, 0x6e,
]);
const ELF = new Uint8Array([
  0x7f,
  0x45,
  0x4c,
  0x46,
  2,
  1,
  1,
  0,
  ...Array.from({ length: 56 }, (_, i) => (i * 37) % 256),
]);

describe("hostile uploads", () => {
  it("refuses a file over the size limit with 413 naming the limit, storing nothing", async () => {
    const owner = await signIn();
    const form = new FormData();
    form.append("file", new File(["x".repeat(150 * 1024)], "big.txt"));
    const error = await expectError(
      await uploadWithLimit(owner.token, form, 100 * 1024),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    expect(error.message).toContain("100 KB");
    const json = JSON.stringify({ document_name: "big", content: "y".repeat(150 * 1024) });
    await expectError(
      await uploadWithLimit(owner.token, json, 100 * 1024, "application/json"),
      413,
      "PAYLOAD_TOO_LARGE",
    );
    await expectNothingStored(owner.userId);
  });

  it.each([
    ["photo.png", PNG],
    ["archive.zip", ZIP],
    ["program", ELF],
    ["notes.txt", PNG],
    ["report.pdf", ZIP],
  ])(
    "refuses %s by its content with 415 listing the accepted types, storing nothing",
    async (name, bytes) => {
      const owner = await signIn();
      const error = await expectError(
        await uploadFile(owner.token, bytes, name),
        415,
        "UNSUPPORTED_TYPE",
      );
      expect(error.message).toContain("PDF, DOCX, HTML, Markdown, plain text, CSV");
      await expectNothingStored(owner.userId);
    },
  );

  it("refuses an empty file, storing nothing", async () => {
    const owner = await signIn();
    const error = await expectError(
      await uploadFile(owner.token, new Uint8Array(0), "empty.pdf", {}, "application/pdf"),
      400,
      "NO_EXTRACTABLE_TEXT",
    );
    expect(error.message).toMatch(/empty/);
    await expectNothingStored(owner.userId);
  });

  it.each([
    ["memo.txt", PDF_MEMO_BASE64, "pdf", "20,000 bottles of water"],
    ["tables.pdf", DOCX_TABLES_BASE64, "docx", "Header Col 1"],
  ])(
    "reads %s by what it really is, whatever its name says",
    async (name, base64, kind, needle) => {
      const owner = await signIn();
      const job = await accepted(
        await uploadFile(owner.token, fromBase64(base64), name, {}, "text/plain"),
      );
      await drain(job.job_id);
      expect(await status(owner.token, job.job_id)).toMatchObject({ status: "completed" });
      expect(await documentRows(owner.userId)).toEqual([
        expect.objectContaining({ status: "completed", content_type: kind }),
      ]);
      const chunks = await storedChunks(owner.userId, job.document_id);
      expect(chunks.map((c) => c.text.replace(/\s+/g, " ")).join(" ")).toContain(needle);
    },
  );

  it("fails a password-protected PDF with a reason the owner can act on, leaving no chunks", async () => {
    const owner = await signIn();
    const job = await accepted(await uploadFile(owner.token, encryptedPdf(), "locked.pdf"));
    await drain(job.job_id);
    const final = await status(owner.token, job.job_id);
    expect(final).toMatchObject({
      status: "error",
      stage: "failed",
      error: { code: "ENCRYPTED_DOCUMENT" },
    });
    expect(final.error?.message).toMatch(/password/);
    expect(await storedChunks(owner.userId, job.document_id)).toEqual([]);
    expect(await documentRows(owner.userId)).toEqual([
      expect.objectContaining({
        status: "failed",
        chunk_count: 0,
        error: expect.stringMatching(/password/),
      }),
    ]);
    // Only the original stays (for the owner to see what failed, or delete it); no hand-over files.
    expect(await r2Keys(owner.userId)).toEqual([
      `tenants/${owner.userId}/documents/${job.document_id}/original`,
    ]);
  });

  it.each([
    [
      "words",
      () =>
        Array.from({ length: 200_000 }, (_, i) => `w${i % 9973}`)
          .join(" ")
          .slice(0, 1_000_000),
    ],
    ["no spaces at all", () => "abcdefghij".repeat(100_000)],
  ])(
    "splits a 1 MB single line (%s) into bounded chunks, exactly as a direct run does",
    { timeout: 120_000 },
    async (_label, make) => {
      const content = make();
      expect(content.length).toBe(1_000_000);
      expect(content).not.toContain("\n");
      const owner = await signIn();
      const job = await ingestText(owner.token, content, { document_name: "one-line.txt" });
      await drain(job.job_id);
      const expected = chunkDocument(
        await parseDocument(new TextEncoder().encode(content), "text"),
        { chunk_size: 512, chunk_overlap: 50 },
      );
      expect(await status(owner.token, job.job_id)).toMatchObject({
        status: "completed",
        total_chunks: expected.length,
      });
      const stored = await storedChunks(owner.userId, job.document_id);
      expect(stored.map((c) => c.text)).toEqual(expected.map((c) => c.text));
      expect(expected.length).toBeGreaterThan(100);
      expect(Math.max(...expected.map((c) => c.token_count))).toBeLessThanOrEqual(512);
      expect(take("embedding", job.job_id)).toEqual([]);
    },
  );
});
