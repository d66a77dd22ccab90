/**
 * GET /api/v1/documents with its filters (type, agent, status, search by name) and paging,
 * and GET /api/v1/documents/{id}: real rows after real ingestion, another owner's never shown.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DocumentView } from "../../../shared/api/documents.ts";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import { PDF_MEMO_BASE64, fromBase64 } from "../ingestion/fixtures.ts";
import { drain, holdPipelineQueues, sentences, uploadFile } from "../ingestion/pipeline.ts";
import { getJson, ingested, listDocuments, names } from "./helpers.ts";

holdPipelineQueues();

let owner: Awaited<ReturnType<typeof signIn>>;
let sales: string;
let support: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  owner = await signIn();
  sales = (await createAgent(owner.token)).id;
  support = (await createAgent(owner.token)).id;
  ids["Pricing 2024.txt"] = (
    await ingested(owner.token, "Pricing 2024.txt", sentences(30, "pricing"), {
      agent_ids: [sales],
    })
  ).document_id;
  ids["Refund policy.md"] = (
    await ingested(owner.token, "Refund policy.md", `# Refunds\n\n${sentences(30, "refunds")}`, {
      agent_ids: [support, sales],
    })
  ).document_id;
  ids["100%_sure.txt"] = (await ingested(owner.token, "100%_sure.txt", " \n ")).document_id;
  const pdf = await uploadFile(owner.token, fromBase64(PDF_MEMO_BASE64), "Memo.pdf", {
    "agent_ids[]": support,
  });
  const job = (await pdf.json()) as { job_id: string; document_id: string };
  await drain(job.job_id);
  ids["Memo.pdf"] = job.document_id;
  // Another owner's documents never appear.
  const other = await signIn();
  await ingested(other.token, "Pricing of another owner.txt", sentences(10));
}, 60_000);

describe("listing documents", () => {
  it("lists every document of the owner, newest first, with real states and counts", async () => {
    const list = await listDocuments(owner.token);
    expect(list.total).toBe(4);
    expect(list.documents.map((d) => d.name)).toEqual([
      "Memo.pdf",
      "100%_sure.txt",
      "Refund policy.md",
      "Pricing 2024.txt",
    ]);
    const byName = new Map(list.documents.map((d) => [d.name, d]));
    expect(byName.get("Memo.pdf")).toMatchObject({
      status: "completed",
      content_type: "pdf",
      agent_ids: [support],
    });
    expect(byName.get("100%_sure.txt")).toMatchObject({
      status: "failed",
      chunk_count: 0,
      error: expect.stringMatching(/no extractable text/i),
    });
    expect(byName.get("Pricing 2024.txt")?.chunk_count).toBeGreaterThan(0);
    for (const d of list.documents) expect(d).not.toHaveProperty("r2_key");
  });

  it("filters by type, agent and status, and combines them", async () => {
    expect(names(await listDocuments(owner.token, "?type=pdf"))).toEqual(["Memo.pdf"]);
    expect(names(await listDocuments(owner.token, "?type=markdown"))).toEqual(["Refund policy.md"]);
    expect(names(await listDocuments(owner.token, `?agent_id=${sales}`))).toEqual([
      "Pricing 2024.txt",
      "Refund policy.md",
    ]);
    expect(names(await listDocuments(owner.token, `?agent_id=${support}`))).toEqual([
      "Memo.pdf",
      "Refund policy.md",
    ]);
    expect(names(await listDocuments(owner.token, "?status=failed"))).toEqual(["100%_sure.txt"]);
    expect(
      names(await listDocuments(owner.token, `?status=completed&agent_id=${support}&type=pdf`)),
    ).toEqual(["Memo.pdf"]);
    expect((await listDocuments(owner.token, `?agent_id=${crypto.randomUUID()}`)).total).toBe(0);
  });

  it("searches names case-insensitively, treating % and _ as plain characters", async () => {
    expect(names(await listDocuments(owner.token, "?search=PRICING"))).toEqual([
      "Pricing 2024.txt",
    ]);
    expect(names(await listDocuments(owner.token, "?search=100%25_"))).toEqual(["100%_sure.txt"]);
    expect(names(await listDocuments(owner.token, "?search=%25"))).toEqual(["100%_sure.txt"]);
    expect(names(await listDocuments(owner.token, "?search=_"))).toEqual(["100%_sure.txt"]);
    expect((await listDocuments(owner.token, "?search=another")).total).toBe(0);
  });

  it("pages with limit and offset, reporting the total", async () => {
    const first = await listDocuments(owner.token, "?limit=3");
    const second = await listDocuments(owner.token, "?limit=3&offset=3");
    expect([first.total, first.documents.length, second.documents.length]).toEqual([4, 3, 1]);
    expect(new Set([...first.documents, ...second.documents].map((d) => d.id)).size).toBe(4);
  });

  it("refuses malformed filters with 400", async () => {
    await expectError(
      await api("/api/v1/documents?status=ready", { token: owner.token }),
      400,
      "VALIDATION_FAILED",
    );
    await expectError(
      await api("/api/v1/documents?agent_id=not-a-uuid", { token: owner.token }),
      400,
      "VALIDATION_FAILED",
    );
    await expectError(
      await api("/api/v1/documents?limit=0", { token: owner.token }),
      400,
      "VALIDATION_FAILED",
    );
  });
});

describe("reading one document", () => {
  it("returns the owner's document and 404 for another owner, an unknown id or a malformed one", async () => {
    const id = ids["Refund policy.md"] ?? "";
    const mine = await getJson<DocumentView>(`/api/v1/documents/${id}`, owner.token);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({
      id,
      name: "Refund policy.md",
      status: "completed",
      agent_ids: [support, sales],
    });
    const other = await signIn();
    await expectError(
      await api(`/api/v1/documents/${id}`, { token: other.token }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
    await expectError(
      await api(`/api/v1/documents/${crypto.randomUUID()}`, { token: owner.token }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
    await expectError(
      await api("/api/v1/documents/not-an-id", { token: owner.token }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
  });
});
