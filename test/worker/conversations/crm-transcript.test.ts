/** GET /api/v1/conversations/{id}: the transcript in order with each answer's metadata, counts and duration. */
import { describe, expect, it } from "vitest";
import { ConversationDetailSchema } from "../../../shared/api/conversations.ts";
import { expectError } from "../helpers.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "./helpers.ts";

const answerMetadata = {
  task_id: "task-1",
  mode: "simple",
  model: "extractive",
  provider: "extractive",
  usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
  latency_ms: 850,
  time_to_first_token_ms: 120,
  sources: [
    {
      document_id: "doc-1",
      document_name: "Handbook.pdf",
      page: 3,
      snippet: "Opening hours are 9 to 5.",
      score: 0.82,
    },
  ],
  attempt: 1,
};

describe("GET /api/v1/conversations/{id}", () => {
  it("returns the messages in session order whatever order they were stored in, with their metadata", async () => {
    const owner = await ownerWithAgent();
    const startedAt = new Date("2026-05-01T09:00:00.000Z");
    const session = await chatSession(owner.userId, owner.agent.id, { startedAt });
    const [q1, a1, q2, a2] = session.messages(
      { content: "When are you open?" },
      { content: "From 9 to 5 [1].", metadata: answerMetadata },
      { content: "On Sundays?" },
      {
        content: "Closed on Sundays.",
        metadata: { ...answerMetadata, task_id: "task-2", sources: [] },
      },
    );
    if (!q1 || !a1 || !q2 || !a2) throw new Error("four messages expected");
    await deliver([session.create([q2, a2]), session.create([a1]), session.create([q1])]);

    const res = await crm(`/${session.conversationId}`, owner.token);
    expect(res.status).toBe(200);
    const detail = ConversationDetailSchema.parse(await res.json());
    expect(detail.messages.map((m) => [m.seq, m.role, m.content])).toEqual([
      [0, "user", "When are you open?"],
      [1, "assistant", "From 9 to 5 [1]."],
      [2, "user", "On Sundays?"],
      [3, "assistant", "Closed on Sundays."],
    ]);
    expect(detail.messages[1]).toEqual({
      id: a1.id,
      role: "assistant",
      content: a1.content,
      seq: 1,
      created_at: a1.created_at,
      metadata: answerMetadata,
    });
    expect(detail).toMatchObject({
      counts: { user: 2, assistant: 2 },
      message_count: 4,
      started_at: startedAt.toISOString(),
      last_message_at: a2.created_at,
      duration_ms: 4000,
      preview: "When are you open?",
    });
  });

  it("keeps unknown metadata fields the session adds later", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    await deliver([
      session.create(
        session.messages({
          role: "assistant",
          content: "ok",
          metadata: { model: "x", cached: true },
        }),
      ),
    ]);
    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${session.conversationId}`, owner.token)).json(),
    );
    expect(detail.messages[0]?.metadata).toEqual({ model: "x", cached: true });
  });

  it("answers 404 CONVERSATION_NOT_FOUND for an unknown or malformed id", async () => {
    const owner = await ownerWithAgent();
    await expectError(
      await crm(`/${crypto.randomUUID()}`, owner.token),
      404,
      "CONVERSATION_NOT_FOUND",
    );
    await expectError(await crm("/not-a-uuid", owner.token), 404, "CONVERSATION_NOT_FOUND");
  });
});
