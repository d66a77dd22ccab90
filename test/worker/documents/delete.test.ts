/**
 * DELETE /api/v1/documents/{id} removes a document everywhere: its chunks from the vector
 * store, its files from R2 and its row, answering real counts; agents stop finding it.
 */
import { describe, expect, it } from "vitest";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import {
  deliver,
  documentRows,
  holdPipelineQueues,
  ingestText,
  r2Keys,
  sentences,
  status,
  storedChunks,
  take,
} from "../ingestion/pipeline.ts";
import { foundBy, ingested } from "./helpers.ts";

holdPipelineQueues();

const remove = (token: string, id: string) =>
  api(`/api/v1/documents/${id}`, { method: "DELETE", token });

describe("deleting a document", () => {
  it("removes its chunks, its original and its row, with the real counts, and only its own", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token);
    const doomed = await ingested(owner.token, "doomed.txt", sentences(200, "zebra"), {
      agent_ids: [agent.id],
      chunk_size: 64,
      chunk_overlap: 0,
    });
    const kept = await ingested(owner.token, "kept.txt", sentences(20, "zebra"), {
      agent_ids: [agent.id],
    });
    const chunks = (await storedChunks(owner.userId, doomed.document_id)).length;
    expect(chunks).toBeGreaterThan(64);
    expect(await foundBy(owner.token, agent.id, "zebra")).toEqual(["doomed.txt", "kept.txt"]);

    const res = await remove(owner.token, doomed.document_id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: doomed.document_id,
      deleted: true,
      chunks_deleted: chunks,
      files_deleted: 1,
    });
    expect(await storedChunks(owner.userId, doomed.document_id)).toEqual([]);
    expect(await r2Keys(owner.userId, doomed.document_id)).toEqual([]);
    expect((await documentRows(owner.userId)).map((r) => r.id)).toEqual([kept.document_id]);
    expect(await foundBy(owner.token, agent.id, "zebra")).toEqual(["kept.txt"]);
    expect((await storedChunks(owner.userId, kept.document_id)).length).toBeGreaterThan(0);
    await expectError(await remove(owner.token, doomed.document_id), 404, "DOCUMENT_NOT_FOUND");
  });

  it("stops a document still being processed and removes what it had stored and handed over", async () => {
    const owner = await signIn();
    const job = await ingestText(owner.token, sentences(500), { chunk_size: 64, chunk_overlap: 8 });
    await deliver("ingestion", take("ingestion", job.job_id));
    const batches = take("embedding", job.job_id);
    await deliver("embedding", batches.slice(0, 1));
    const handedOver = (await r2Keys(owner.userId, job.document_id)).length;
    expect(handedOver).toBe(1 + batches.length); // the original and every batch until the job ends

    const res = await remove(owner.token, job.document_id);
    expect(await res.json()).toMatchObject({
      deleted: true,
      chunks_deleted: 64,
      files_deleted: handedOver,
    });
    expect(await r2Keys(owner.userId)).toEqual([]);
    expect(await documentRows(owner.userId)).toEqual([]);
    expect((await status(owner.token, job.job_id)).stage).toBe("cancelled");
    await deliver("embedding", batches);
    expect(await storedChunks(owner.userId, job.document_id)).toEqual([]);
  });

  it("answers 404 for another owner's document and removes nothing", async () => {
    const owner = await signIn();
    const doc = await ingested(owner.token, "mine.txt", sentences(20));
    const other = await signIn();
    await expectError(await remove(other.token, doc.document_id), 404, "DOCUMENT_NOT_FOUND");
    await expectError(await remove(owner.token, "not-an-id"), 404, "DOCUMENT_NOT_FOUND");
    expect((await documentRows(owner.userId)).map((r) => r.status)).toEqual(["completed"]);
    expect((await storedChunks(owner.userId, doc.document_id)).length).toBeGreaterThan(0);
    expect(await r2Keys(owner.userId, doc.document_id)).toHaveLength(1);
  });
});
