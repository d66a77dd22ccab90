/**
 * GET /api/v1/conversations/{id}/export: one transcript as a file, in the export's own CSV
 * columns and JSON shape; only its owner can download it.
 */
import { describe, expect, it } from "vitest";
import {
  ConversationExportSchema,
  EXPORT_MESSAGE_LIMIT,
} from "../../../shared/api/conversations.ts";
import { expectError } from "../helpers.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "./helpers.ts";

async function ownerWithTwoConversations() {
  const owner = await ownerWithAgent();
  const wanted = await chatSession(owner.userId, owner.agent.id, {
    startedAt: new Date("2026-07-01T08:00:00.000Z"),
  });
  const other = await chatSession(owner.userId, owner.agent.id);
  await deliver([
    wanted.create(
      wanted.messages(
        { content: '=1+1, "quoted"' },
        { content: "**Yes**\n- one", metadata: { model: "extractive", latency_ms: 800 } },
      ),
    ),
    other.create(other.messages({ content: "another visitor" })),
  ]);
  return { owner, wanted: wanted.conversationId };
}

describe("GET /api/v1/conversations/{id}/export", () => {
  it("downloads one conversation as CSV, one guarded row per message, and no other conversation", async () => {
    const { owner, wanted } = await ownerWithTwoConversations();
    const res = await crm(`/${wanted}/export?format=csv`, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="conversation-2026-07-01-${wanted.slice(0, 8)}.csv"`,
    );
    expect(await res.text()).toBe(
      "conversation_id,agent_name,started_at,role,content,created_at,contact_name,contact_email,contact_phone,contact_note\r\n" +
        `${wanted},${owner.agent.name},2026-07-01T08:00:00.000Z,user,"'=1+1, ""quoted""",2026-07-01T08:00:01.000Z,,,,\r\n` +
        `${wanted},${owner.agent.name},2026-07-01T08:00:00.000Z,assistant,"**Yes**\n- one",2026-07-01T08:00:02.000Z,,,,\r\n`,
    );
  });

  it("downloads one conversation as JSON in the shape of the export of many (the default is CSV)", async () => {
    const { owner, wanted } = await ownerWithTwoConversations();
    const res = await crm(`/${wanted.toUpperCase()}/export?format=json`, owner.token);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/filename="conversation-.*\.json"$/);
    const body = ConversationExportSchema.parse(await res.json());
    expect(body).toMatchObject({ truncated: false, message_limit: EXPORT_MESSAGE_LIMIT });
    expect(body.conversations.map((c) => c.id)).toEqual([wanted]);
    expect(body.conversations[0]?.messages.map((m) => m.content)).toEqual([
      '=1+1, "quoted"',
      "**Yes**\n- one",
    ]);
    expect(body.conversations[0]?.messages[1]?.metadata).toEqual({
      model: "extractive",
      latency_ms: 800,
    });
    const csv = await crm(`/${wanted}/export`, owner.token);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  });

  it("answers 404 to another tenant, to an unknown id and to a malformed one", async () => {
    const { wanted } = await ownerWithTwoConversations();
    const stranger = await ownerWithAgent();
    for (const format of ["csv", "json"]) {
      const res = await crm(`/${wanted}/export?format=${format}`, stranger.token);
      const error = await expectError(res, 404, "CONVERSATION_NOT_FOUND");
      expect(JSON.stringify(error)).not.toContain("another visitor");
    }
    await expectError(
      await crm(`/${crypto.randomUUID()}/export`, stranger.token),
      404,
      "CONVERSATION_NOT_FOUND",
    );
    await expectError(
      await crm("/not-an-id/export", stranger.token),
      404,
      "CONVERSATION_NOT_FOUND",
    );
    await expectError(await crm(`/${wanted}/export`), 401, "UNAUTHENTICATED");
  });

  it("rejects an unknown format with a message naming the formats", async () => {
    const { owner, wanted } = await ownerWithTwoConversations();
    const error = await expectError(
      await crm(`/${wanted}/export?format=xlsx`, owner.token),
      400,
      "VALIDATION_FAILED",
    );
    expect(error.message).toMatch(/csv/);
  });
});
