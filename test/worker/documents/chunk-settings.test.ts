/**
 * An agent's chunk_size / chunk_overlap (tokens) decide how its documents are split, through
 * the real pipeline: on upload, again on re-index after the agent's settings change, the
 * smallest chunk size among several agents, values sent with the upload winning, and
 * assignment leaving the chunks alone until a re-index
 * (workers/services/ingestion/chunk-settings.ts).
 */
import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../../shared/api/documents.ts";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import {
  drain,
  holdPipelineQueues,
  ingestText,
  sentences,
  storedChunks,
} from "../ingestion/pipeline.ts";
import type { Started } from "../ingestion/pipeline.ts";
import { ingested } from "./helpers.ts";

holdPipelineQueues();

const TEXT = sentences(300, "glacier");
const rag = (chunk_size: number, chunk_overlap: number) => ({
  rag_config: { chunk_size, chunk_overlap },
});

async function documentOf(token: string, id: string): Promise<DocumentView> {
  const res = await api(`/api/v1/documents/${id}`, { token });
  if (res.status !== 200) throw new Error(`get failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as DocumentView;
}

async function reindexed(token: string, id: string): Promise<void> {
  const res = await api(`/api/v1/documents/${id}/reindex`, { method: "POST", token });
  if (res.status !== 202) throw new Error(`reindex failed: ${res.status} ${await res.text()}`);
  await drain(((await res.json()) as Started).job_id);
}

const longest = (chunks: { text: string }[]) => Math.max(...chunks.map((c) => c.text.length));

describe("chunk settings from the agents", () => {
  it("splits one document into more, smaller chunks for an agent with chunk_size 128 than for one with 1024", async () => {
    const owner = await signIn();
    const small = await createAgent(owner.token, rag(128, 16));
    const large = await createAgent(owner.token, rag(1024, 64));
    const forSmall = await ingested(owner.token, "small.txt", TEXT, { agent_ids: [small.id] });
    const forLarge = await ingested(owner.token, "large.txt", TEXT, { agent_ids: [large.id] });

    const smallChunks = await storedChunks(owner.userId, forSmall.document_id);
    const largeChunks = await storedChunks(owner.userId, forLarge.document_id);
    expect(smallChunks.length).toBeGreaterThan(3 * largeChunks.length);
    expect(longest(smallChunks)).toBeLessThan(longest(largeChunks));
    expect((await documentOf(owner.token, forSmall.document_id)).chunking).toEqual({
      chunk_size: 128,
      chunk_overlap: 16,
      source: "agents",
    });
    expect((await documentOf(owner.token, forLarge.document_id)).chunking).toEqual({
      chunk_size: 1024,
      chunk_overlap: 64,
      source: "agents",
    });
  });

  it("re-chunks with the agent's new setting on re-index", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token, rag(1024, 64));
    const doc = await ingested(owner.token, "notes.txt", TEXT, { agent_ids: [agent.id] });
    const before = (await storedChunks(owner.userId, doc.document_id)).length;

    const patched = await api(`/api/v1/agents/${agent.id}`, {
      method: "PATCH",
      token: owner.token,
      json: rag(128, 16),
    });
    expect(patched.status).toBe(200);
    // Changing the agent alone re-chunks nothing.
    expect((await storedChunks(owner.userId, doc.document_id)).length).toBe(before);
    await reindexed(owner.token, doc.document_id);

    const after = await storedChunks(owner.userId, doc.document_id);
    expect(after.length).toBeGreaterThan(3 * before);
    expect(await documentOf(owner.token, doc.document_id)).toMatchObject({
      chunk_count: after.length,
      chunking: { chunk_size: 128, chunk_overlap: 16, source: "agents" },
    });
  });

  it("uses the smallest chunk size when several agents share a document", async () => {
    const owner = await signIn();
    const agents = [
      await createAgent(owner.token, rag(1024, 64)),
      await createAgent(owner.token, rag(256, 32)),
      await createAgent(owner.token, rag(512, 0)),
    ];
    const doc = await ingested(owner.token, "shared.txt", TEXT, {
      agent_ids: agents.map((a) => a.id),
    });
    expect((await documentOf(owner.token, doc.document_id)).chunking).toEqual({
      chunk_size: 256,
      chunk_overlap: 32,
      source: "agents",
    });
  });

  it("keeps values sent with the upload, also on re-index", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token, rag(128, 16));
    const doc = await ingested(owner.token, "sent.txt", TEXT, {
      agent_ids: [agent.id],
      chunk_size: 1024,
    });
    expect((await documentOf(owner.token, doc.document_id)).chunking).toEqual({
      chunk_size: 1024,
      chunk_overlap: 16,
      source: "upload",
    });
    const count = (await storedChunks(owner.userId, doc.document_id)).length;
    await reindexed(owner.token, doc.document_id);
    expect((await storedChunks(owner.userId, doc.document_id)).length).toBe(count);
    expect((await documentOf(owner.token, doc.document_id)).chunking.source).toBe("upload");
  });

  it("leaves the chunks alone when agents are assigned, until a re-index applies their settings", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token, rag(128, 16));
    const doc = await ingested(owner.token, "later.txt", TEXT);
    const count = (await storedChunks(owner.userId, doc.document_id)).length;
    expect((await documentOf(owner.token, doc.document_id)).chunking).toEqual({
      chunk_size: 512,
      chunk_overlap: 50,
      source: "default",
    });

    const res = await api(`/api/v1/documents/${doc.document_id}/agents`, {
      method: "PUT",
      token: owner.token,
      json: { agent_ids: [agent.id] },
    });
    expect(((await res.json()) as DocumentView).chunking.source).toBe("default");
    expect((await storedChunks(owner.userId, doc.document_id)).length).toBe(count);

    await reindexed(owner.token, doc.document_id);
    expect((await storedChunks(owner.userId, doc.document_id)).length).toBeGreaterThan(count);
    expect((await documentOf(owner.token, doc.document_id)).chunking).toEqual({
      chunk_size: 128,
      chunk_overlap: 16,
      source: "agents",
    });
  });

  it("never reads another owner's agent: uploading with its id answers 404", async () => {
    const owner = await signIn();
    const foreign = await createAgent((await signIn()).token, rag(128, 16));
    const res = await api("/api/v1/ingest", {
      method: "POST",
      token: owner.token,
      json: { content: TEXT, agent_ids: [foreign.id] },
    });
    await expectError(res, 404, "AGENT_NOT_FOUND");
  });

  it("refuses an overlap sent without room in the chunk size sent", async () => {
    const owner = await signIn();
    await expect(
      ingestText(owner.token, TEXT, { chunk_size: 128, chunk_overlap: 128 }),
    ).rejects.toThrow(/400/);
  });
});
