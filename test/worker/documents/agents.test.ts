/**
 * PUT /api/v1/documents/{id}/agents {agent_ids, operation: set|add|remove}: the row's agents
 * and what each agent can retrieve change together.
 */
import { describe, expect, it } from "vitest";
import type { DocumentView } from "../../../shared/api/documents.ts";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import { holdPipelineQueues, sentences } from "../ingestion/pipeline.ts";
import { foundBy, ingested } from "./helpers.ts";

holdPipelineQueues();

async function change(token: string, id: string, body: unknown): Promise<DocumentView> {
  const res = await api(`/api/v1/documents/${id}/agents`, { method: "PUT", token, json: body });
  if (res.status !== 200) throw new Error(`PUT agents failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as DocumentView;
}

describe("assigning a document's agents", () => {
  it("sets, adds and removes agents, and each agent retrieves exactly its documents", async () => {
    const owner = await signIn();
    const [a, b, c] = [
      await createAgent(owner.token),
      await createAgent(owner.token),
      await createAgent(owner.token),
    ];
    const doc = await ingested(owner.token, "walrus.txt", sentences(20, "walrus"), {
      agent_ids: [a.id],
    });
    expect(await foundBy(owner.token, a.id, "walrus")).toEqual(["walrus.txt"]);
    expect(await foundBy(owner.token, b.id, "walrus")).toEqual([]);

    expect(
      (await change(owner.token, doc.document_id, { agent_ids: [b.id], operation: "add" }))
        .agent_ids,
    ).toEqual([a.id, b.id]);
    expect(await foundBy(owner.token, b.id, "walrus")).toEqual(["walrus.txt"]);

    expect(
      (await change(owner.token, doc.document_id, { agent_ids: [a.id], operation: "remove" }))
        .agent_ids,
    ).toEqual([b.id]);
    expect(await foundBy(owner.token, a.id, "walrus")).toEqual([]);

    expect((await change(owner.token, doc.document_id, { agent_ids: [c.id] })).agent_ids).toEqual([
      c.id,
    ]);
    expect(await foundBy(owner.token, b.id, "walrus")).toEqual([]);
    expect(await foundBy(owner.token, c.id, "walrus")).toEqual(["walrus.txt"]);

    expect(
      (await change(owner.token, doc.document_id, { agent_ids: [], operation: "set" })).agent_ids,
    ).toEqual([]);
    expect(await foundBy(owner.token, c.id, "walrus")).toEqual([]);
    const row = await api(`/api/v1/documents/${doc.document_id}`, { token: owner.token });
    expect(((await row.json()) as DocumentView).agent_ids).toEqual([]);
  });

  it("refuses another owner's agent, an unknown operation, and another owner's document", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token);
    const doc = await ingested(owner.token, "mine.txt", sentences(10), { agent_ids: [agent.id] });
    const other = await signIn();
    const foreign = await createAgent(other.token);
    const put = (token: string, body: unknown) =>
      api(`/api/v1/documents/${doc.document_id}/agents`, { method: "PUT", token, json: body });
    await expectError(
      await put(owner.token, { agent_ids: [foreign.id], operation: "add" }),
      404,
      "AGENT_NOT_FOUND",
    );
    await expectError(
      await put(owner.token, { agent_ids: [agent.id], operation: "replace" }),
      400,
      "VALIDATION_FAILED",
    );
    await expectError(
      await put(other.token, { agent_ids: [foreign.id] }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
    expect(await foundBy(owner.token, agent.id, "sentence")).toEqual(["mine.txt"]);
  });
});
