/** `conversation.session.end` closes the conversation once, whatever the order and number of deliveries. */
import { describe, expect, it } from "vitest";
import { ConversationDetailSchema } from "../../../../shared/api/conversations.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "../../conversations/helpers.ts";

const transcript = async (token: string, id: string) =>
  ConversationDetailSchema.parse(await (await crm(`/${id}`, token)).json());

describe("conversation.session.end", () => {
  it("ends the conversation and answers redeliveries with no further change", async () => {
    const owner = await ownerWithAgent();
    const startedAt = new Date("2026-04-02T08:00:00.000Z");
    const session = await chatSession(owner.userId, owner.agent.id, { startedAt });
    await deliver([session.create(session.messages({}, {}))]);

    const end = session.end(new Date("2026-04-02T08:05:00.000Z"), "idle");
    const first = await deliver([end]);
    expect(first.explicitAcks).toHaveLength(1);
    const ended = await transcript(owner.token, session.conversationId);
    expect(ended).toMatchObject({
      is_active: false,
      ended_at: "2026-04-02T08:05:00.000Z",
      duration_ms: 300_000,
      message_count: 2,
    });

    const again = await deliver([end, end]);
    expect(again.explicitAcks).toHaveLength(2);
    expect(await transcript(owner.token, session.conversationId)).toEqual(ended);
  });

  it("keeps the earliest end when two different ends arrive in either order", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id, {
      startedAt: new Date("2026-04-02T08:00:00.000Z"),
    });
    const idle = session.end(new Date("2026-04-02T08:30:00.000Z"), "idle");
    const deleted = session.end(new Date("2026-04-02T08:10:00.000Z"), "deleted");

    await deliver([idle]);
    await deliver([deleted]);
    await deliver([idle]);
    expect(await transcript(owner.token, session.conversationId)).toMatchObject({
      is_active: false,
      ended_at: "2026-04-02T08:10:00.000Z",
    });
  });

  it("creates the ended conversation when the end arrives before its messages, and late messages do not reopen it", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const turn = session.create(session.messages({ content: "late" }, { content: "reply" }));
    const endedAt = new Date(Date.now() + 60_000);

    await deliver([session.end(endedAt)]);
    expect(await transcript(owner.token, session.conversationId)).toMatchObject({
      is_active: false,
      message_count: 0,
      messages: [],
    });

    await deliver([turn]);
    const stored = await transcript(owner.token, session.conversationId);
    expect(stored).toMatchObject({
      is_active: false,
      ended_at: endedAt.toISOString(),
      message_count: 2,
    });
    expect(stored.messages.map((m) => m.content)).toEqual(["late", "reply"]);
  });
});
