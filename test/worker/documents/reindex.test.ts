/**
 * POST /api/v1/documents/{id}/reindex parses, chunks and embeds the stored original again
 * under a new job: the same chunk ids are overwritten, never duplicated, and a job still
 * running is cancelled first.
 */
import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../../shared/api/documents.ts";
import { api, expectError, signIn } from "../helpers.ts";
import {
  deliver,
  drain,
  holdPipelineQueues,
  ingestText,
  r2Keys,
  sentences,
  status,
  storedChunks,
  take,
} from "../ingestion/pipeline.ts";
import type { Started } from "../ingestion/pipeline.ts";
import { ingested } from "./helpers.ts";

holdPipelineQueues();

async function reindex(token: string, id: string): Promise<Started> {
  const res = await api(`/api/v1/documents/${id}/reindex`, { method: "POST", token });
  if (res.status !== 202) throw new Error(`reindex failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Started;
}

describe("re-indexing a document", () => {
  it("runs a new job over the stored original and ends with the same chunks, once each", async () => {
    const owner = await signIn();
    const first = await ingested(owner.token, "notes.txt", sentences(300), {
      chunk_size: 64,
      chunk_overlap: 8,
    });
    const before = await storedChunks(owner.userId, first.document_id);

    const second = await reindex(owner.token, first.document_id);
    expect(second.job_id).not.toBe(first.job_id);
    expect(second.document_id).toBe(first.document_id);
    const pending = await api(`/api/v1/documents/${first.document_id}`, { token: owner.token });
    expect((await pending.json()) as DocumentView).toMatchObject({
      status: "pending",
      job_id: second.job_id,
    });
    await drain(second.job_id);

    expect(await status(owner.token, second.job_id)).toMatchObject({
      status: "completed",
      total_chunks: before.length,
    });
    expect(await storedChunks(owner.userId, first.document_id)).toEqual(before);
    const row = await api(`/api/v1/documents/${first.document_id}`, { token: owner.token });
    expect((await row.json()) as DocumentView).toMatchObject({
      status: "completed",
      chunk_count: before.length,
      job_id: second.job_id,
    });
    expect(await r2Keys(owner.userId)).toEqual([
      `tenants/${owner.userId}/documents/${first.document_id}/original`,
    ]);
  });

  it("cancels the job still running and lets only the new one write", async () => {
    const owner = await signIn();
    const first = await ingestText(owner.token, sentences(400), {
      chunk_size: 64,
      chunk_overlap: 8,
    });
    await deliver("ingestion", take("ingestion", first.job_id));
    const oldBatches = take("embedding", first.job_id);
    await deliver("embedding", oldBatches.slice(0, 1));

    const second = await reindex(owner.token, first.document_id);
    expect((await status(owner.token, first.job_id)).stage).toBe("cancelled");
    await drain(second.job_id);
    await deliver("embedding", oldBatches);

    const done = await status(owner.token, second.job_id);
    expect(done.status).toBe("completed");
    const chunks = await storedChunks(owner.userId, first.document_id);
    expect(chunks.map((c) => c.chunk_index)).toEqual(
      Array.from({ length: done.total_chunks }, (_, i) => i),
    );
    const row = await api(`/api/v1/documents/${first.document_id}`, { token: owner.token });
    expect((await row.json()) as DocumentView).toMatchObject({
      status: "completed",
      chunk_count: done.total_chunks,
      job_id: second.job_id,
      error: null,
    });
  });

  it("answers 404 for another owner's document", async () => {
    const owner = await signIn();
    const doc = await ingested(owner.token, "mine.txt", sentences(10));
    await expectError(
      await api(`/api/v1/documents/${doc.document_id}/reindex`, {
        method: "POST",
        token: (await signIn()).token,
      }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
  });
});
