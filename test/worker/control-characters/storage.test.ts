/**
 * Text that reaches Postgres without passing an API schema: a document's name from a fetched
 * URL, a job's failure reason quoting a parser, an LLM's answer and its sources. Postgres
 * refuses NUL, and jsonb a lone surrogate, so the repositories drop the one and replace the other: the row is written (and the queue message that
 * carries it acked) instead of failing with a 500 or retrying until it dead-letters.
 */
import { describe, expect, it } from "vitest";
import { ConversationDetailSchema } from "../../../shared/api/conversations.ts";
import { insertDocument, setDocumentStatus } from "../../../workers/db/documents.ts";
import { signIn } from "../helpers.ts";
import { chatSession, crm, database, deliver, ownerWithAgent } from "../conversations/helpers.ts";

describe("NUL on its way to Postgres", () => {
  it("writes a document whose name, collection and source came with NULs, and a failure reason quoting one", async () => {
    const owner = await signIn();
    const id = crypto.randomUUID();
    const sql = database();
    await insertDocument(sql, owner.userId, {
      id,
      name: "re\u0000port.html",
      content_type: "html",
      size_bytes: 10,
      source_url: "https://example.com/re\u0000port",
      r2_key: `tenants/${owner.userId}/documents/${id}/original`,
      collection_id: "c\u00001",
      chunking: { chunk_size: 512, chunk_overlap: 50, source: "default" },
      explicit_chunking: {},
      job_id: "job-1",
      agent_ids: [],
      metadata: { note: "a\u0000b", "k\u0000": "half \ud83c" },
    });
    await setDocumentStatus(sql, owner.userId, id, {
      status: "failed",
      error: "entity not found: &lol\u00009;",
      onlyForJob: "job-1",
    });
    const rows = await sql<
      {
        name: string;
        source_url: string;
        collection_id: string;
        error: string;
        metadata: unknown;
      }[]
    >`
      select name, source_url, collection_id, error, metadata from documents where id = ${id}`;
    expect(rows).toEqual([
      {
        name: "report.html",
        source_url: "https://example.com/report",
        collection_id: "c1",
        error: "entity not found: &lol9;",
        metadata: { note: "ab", k: "half \ufffd" },
      },
    ]);
  });

  it("stores an assistant answer and its sources with NULs dropped, acking the queue message", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const [question, answer] = session.messages(
      { content: "Tell me" },
      {
        content: "Lava\u0000 flows\ud83c",
        metadata: {
          model: "m\u0000\udf0b",
          sources: [
            {
              document_id: crypto.randomUUID(),
              document_name: "vol\u0000canoes.pdf",
              snippet: "molten\u0000 rock",
              score: 0.9,
            },
          ],
        },
      },
    );
    const result = await deliver([
      session.create([question, answer].filter((m) => m !== undefined)),
    ]);
    expect(result.explicitAcks).toHaveLength(1);
    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${session.conversationId}`, owner.token)).json(),
    );
    expect(detail.messages[1]).toMatchObject({ role: "assistant", content: "Lava flows\ufffd" });
    expect(detail.messages[1]?.metadata).toMatchObject({
      model: "m\ufffd",
      sources: [{ document_name: "volcanoes.pdf", snippet: "molten rock" }],
    });
  });
});
