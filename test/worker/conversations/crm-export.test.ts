/** GET /api/v1/conversations/export: CSV a spreadsheet opens safely, JSON with the transcripts, a stated cap. */
import { describe, expect, it } from "vitest";
import {
  ConversationExportSchema,
  EXPORT_MESSAGE_LIMIT,
} from "../../../shared/api/conversations.ts";
import { createAgent } from "../helpers.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "./helpers.ts";

describe("GET /api/v1/conversations/export", () => {
  it("writes one CSV row per message, quoting commas, quotes and line breaks", async () => {
    const owner = await ownerWithAgent();
    const agent = await createAgent(owner.token, { name: 'Sales, "EU"' });
    const session = await chatSession(owner.userId, agent.id, {
      startedAt: new Date("2026-06-01T10:00:00.000Z"),
    });
    await deliver([
      session.create(
        session.messages({ content: 'He said "hi",\nthen left' }, { content: "plain" }),
      ),
    ]);

    const res = await crm("/export?format=csv", owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="conversations-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers.get("x-export-truncated")).toBeNull();
    expect(await res.text()).toBe(
      "conversation_id,agent_name,started_at,role,content,created_at,contact_name,contact_email,contact_phone,contact_note\r\n" +
        `${session.conversationId},"Sales, ""EU""",2026-06-01T10:00:00.000Z,user,"He said ""hi"",\nthen left",2026-06-01T10:00:01.000Z,,,,\r\n` +
        `${session.conversationId},"Sales, ""EU""",2026-06-01T10:00:00.000Z,assistant,plain,2026-06-01T10:00:02.000Z,,,,\r\n`,
    );
  });

  it("defuses cells a spreadsheet would run as formulas with a leading single quote", async () => {
    const owner = await ownerWithAgent();
    const agent = await createAgent(owner.token, { name: "@agent" });
    const session = await chatSession(owner.userId, agent.id);
    const payloads = [
      '=HYPERLINK("http://evil","x")',
      "+1+1",
      "-2+3",
      "@SUM(A1)",
      "\tTAB",
      "safe = fine",
    ];
    await deliver([session.create(session.messages(...payloads.map((content) => ({ content }))))]);

    const rows = (await (await crm("/export", owner.token)).text()).split("\r\n").slice(1, -1);
    const contents = rows.map((r) => r.split(",").slice(4, -5).join(","));
    expect(contents).toEqual([
      '"\'=HYPERLINK(""http://evil"",""x"")"',
      "'+1+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tTAB",
      "safe = fine",
    ]);
    expect(rows.every((r) => r.split(",")[1] === "'@agent")).toBe(true);
  });

  it("exports JSON conversations with their messages and the same filters as the list", async () => {
    const owner = await ownerWithAgent();
    const other = await createAgent(owner.token);
    const kept = await chatSession(owner.userId, owner.agent.id);
    const filtered = await chatSession(owner.userId, other.id);
    await deliver([
      kept.create(
        kept.messages({ content: "q" }, { content: "a", metadata: { model: "extractive" } }),
      ),
      filtered.create(filtered.messages({})),
    ]);
    await deliver([kept.end(new Date())]);

    const res = await crm(`/export?format=json&agent_id=${owner.agent.id}`, owner.token);
    expect(res.headers.get("content-disposition")).toMatch(/filename="conversations-.*\.json"/);
    const body = ConversationExportSchema.parse(await res.json());
    expect(body).toMatchObject({ truncated: false, message_limit: EXPORT_MESSAGE_LIMIT });
    expect(
      body.conversations.map((c) => [c.id, c.is_active, c.messages.map((m) => m.content)]),
    ).toEqual([[kept.conversationId, false, ["q", "a"]]]);
    expect(body.conversations[0]?.messages[1]?.metadata).toEqual({ model: "extractive" });
  });

  it("lists a conversation without messages as one row with empty message cells", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id, {
      startedAt: new Date("2026-06-02T00:00:00.000Z"),
    });
    await deliver([session.end(new Date("2026-06-02T00:01:00.000Z"))]);
    const csv = await (await crm("/export", owner.token)).text();
    expect(csv.split("\r\n")[1]).toBe(
      `${session.conversationId},${owner.agent.name},2026-06-02T00:00:00.000Z,,,,,,,`,
    );
  });

  it(
    `stops at ${EXPORT_MESSAGE_LIMIT} messages and says so in a header and in the JSON`,
    { timeout: 300_000 },
    async () => {
      const owner = await ownerWithAgent();
      const session = await chatSession(owner.userId, owner.agent.id);
      const actions = Array.from({ length: Math.ceil((EXPORT_MESSAGE_LIMIT + 1) / 50) }, () =>
        session.create(session.messages(...Array.from({ length: 50 }, () => ({})))),
      );
      for (let i = 0; i < actions.length; i += 50) await deliver(actions.slice(i, i + 50));

      const csv = await crm("/export", owner.token);
      expect(csv.headers.get("x-export-truncated")).toBe("true");
      expect(csv.headers.get("x-export-message-limit")).toBe(String(EXPORT_MESSAGE_LIMIT));
      const lines = (await csv.text()).split("\r\n");
      expect(lines).toHaveLength(EXPORT_MESSAGE_LIMIT + 2);
      expect(lines.at(-2)).toContain(`,message ${EXPORT_MESSAGE_LIMIT - 1},`);

      const json = ConversationExportSchema.parse(
        await (await crm("/export?format=json", owner.token)).json(),
      );
      expect(json.truncated).toBe(true);
      expect(json.conversations[0]?.messages).toHaveLength(EXPORT_MESSAGE_LIMIT);
    },
  );
});
