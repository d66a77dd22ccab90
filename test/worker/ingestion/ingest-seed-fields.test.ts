/**
 * POST /api/v1/ingest accepts the original clients' `agent_id` (joined with `agent_ids`) and
 * `metadata` (kept on the document, shown by GET /api/v1/documents and /documents/{id}), in JSON
 * and multipart bodies. Another tenant's agent fails the upload as in `agent_ids` (404, nothing
 * stored); bad metadata is a 400 naming the field.
 */
import { describe, expect, it } from "vitest";
import { DocumentListSchema, DocumentSchema } from "../../../shared/api/documents.ts";
import { METADATA_LIMITS } from "../../../shared/metadata.ts";
import { api, createAgent, expectError, fieldPaths, signIn } from "../helpers.ts";
import { documentRows, holdPipelineQueues, ingestText, r2Keys, uploadFile } from "./pipeline.ts";

holdPipelineQueues();

const ingestJson = (token: string, body: Record<string, unknown>) =>
  api("/api/v1/ingest", {
    method: "POST",
    token,
    json: { document_name: "notes.txt", content: "Opening hours are nine to five.", ...body },
  });

async function documentOf(token: string, id: string) {
  const res = await api(`/api/v1/documents/${id}`, { token });
  expect(res.status).toBe(200);
  return DocumentSchema.parse(await res.json());
}

describe("ingest agent_id", () => {
  it("assigns the agent named by agent_id, joined with agent_ids without duplicates, in JSON and multipart", async () => {
    const owner = await signIn();
    const [a, b] = [await createAgent(owner.token), await createAgent(owner.token)];
    const single = await ingestText(owner.token, "Prices start at ten euros.", { agent_id: a.id });
    expect((await documentOf(owner.token, single.document_id)).agent_ids).toEqual([a.id]);
    const both = await ingestText(owner.token, "Shipping takes two days.", {
      agent_id: b.id.toUpperCase(),
      agent_ids: [a.id, b.id],
    });
    expect((await documentOf(owner.token, both.document_id)).agent_ids.sort()).toEqual(
      [a.id, b.id].sort(),
    );

    const upload = await uploadFile(owner.token, "Returns within thirty days.", "returns.txt", {
      agent_id: a.id,
      "agent_ids[]": [b.id, a.id],
    });
    expect(upload.status).toBe(202);
    const { document_id } = (await upload.json()) as { document_id: string };
    expect((await documentOf(owner.token, document_id)).agent_ids.sort()).toEqual(
      [a.id, b.id].sort(),
    );
  });

  it("answers 404 AGENT_NOT_FOUND for another tenant's agent, as agent_ids does, and stores nothing", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const foreign = await createAgent(stranger.token);
    for (const body of [
      { agent_id: foreign.id },
      { agent_ids: [foreign.id] },
      { agent_id: crypto.randomUUID() },
    ]) {
      await expectError(await ingestJson(owner.token, body), 404, "AGENT_NOT_FOUND");
    }
    await expectError(
      await uploadFile(owner.token, "Secret plans.", "plans.txt", { agent_id: foreign.id }),
      404,
      "AGENT_NOT_FOUND",
    );
    expect(await documentRows(owner.userId)).toEqual([]);
    expect(await r2Keys(owner.userId)).toEqual([]);
  });

  it("refuses an agent_id that is not an id, or several in multipart, naming agent_id", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token);
    expect(
      fieldPaths(
        await expectError(
          await ingestJson(owner.token, { agent_id: "front-desk" }),
          400,
          "VALIDATION_FAILED",
        ),
      ),
    ).toEqual(["agent_id"]);
    expect(
      fieldPaths(
        await expectError(
          await ingestJson(owner.token, { agent_id: [agent.id] }),
          400,
          "VALIDATION_FAILED",
        ),
      ),
    ).toEqual(["agent_id"]);
    const twice = await uploadFile(owner.token, "Text.", "t.txt", {
      agent_id: [agent.id, agent.id],
    });
    expect(fieldPaths(await expectError(twice, 400, "VALIDATION_FAILED"))).toEqual(["agent_id"]);
  });
});

describe("ingest metadata", () => {
  it("keeps the metadata on the document and returns it from the list and the document", async () => {
    const owner = await signIn();
    const metadata = { source: "crm", year: 2024, public: true, reviewer: null };
    const json = await ingestText(owner.token, "The handbook.", { metadata });
    const upload = await uploadFile(owner.token, "The price list.", "prices.txt", {
      metadata: JSON.stringify({ source: "upload", pages: 3 }),
    });
    expect(upload.status).toBe(202);
    const { document_id } = (await upload.json()) as { document_id: string };
    const plain = await ingestText(owner.token, "No metadata here.");

    expect((await documentOf(owner.token, json.document_id)).metadata).toEqual(metadata);
    expect((await documentOf(owner.token, document_id)).metadata).toEqual({
      source: "upload",
      pages: 3,
    });
    const list = DocumentListSchema.parse(
      await (await api("/api/v1/documents", { token: owner.token })).json(),
    );
    const byId = new Map(list.documents.map((d) => [d.id, d.metadata]));
    expect(byId.get(json.document_id)).toEqual(metadata);
    expect(byId.get(plain.document_id)).toEqual({});
    // The job id is the document's bookkeeping, never mixed into the client's metadata.
    expect((await documentOf(owner.token, plain.document_id)).job_id).toBe(plain.job_id);
  });

  it("refuses metadata that is not an object, has too many keys or too long a key or value, naming the field", async () => {
    const owner = await signIn();
    const longKey = "k".repeat(METADATA_LIMITS.maxKeyChars + 1);
    const tooMany = Object.fromEntries(
      Array.from({ length: METADATA_LIMITS.maxKeys + 1 }, (_, i) => [`k${i}`, i]),
    );
    const cases: [unknown, string][] = [
      ["source=crm", "metadata"],
      [[1, 2], "metadata"],
      [tooMany, "metadata"],
      [{ [longKey]: "x" }, `metadata.${longKey}`],
      [{ note: "x".repeat(METADATA_LIMITS.maxValueChars + 1) }, "metadata.note"],
      [{ nested: { a: 1 } }, "metadata.nested"],
    ];
    for (const [metadata, field] of cases) {
      const error = await expectError(
        await ingestJson(owner.token, { metadata }),
        400,
        "VALIDATION_FAILED",
      );
      expect(fieldPaths(error), field).toEqual([field]);
      expect(error.message).toContain(field);
    }
    for (const [text, field] of [
      ["{not json", "metadata"],
      ['"a string"', "metadata"],
      [JSON.stringify(tooMany), "metadata"],
      [JSON.stringify({ note: "x".repeat(501) }), "metadata.note"],
    ] as const) {
      const error = await expectError(
        await uploadFile(owner.token, "Text.", "t.txt", { metadata: text }),
        400,
        "VALIDATION_FAILED",
      );
      expect(fieldPaths(error), text.slice(0, 30)).toEqual([field]);
    }
    expect(await documentRows(owner.userId)).toEqual([]);
  });
});
