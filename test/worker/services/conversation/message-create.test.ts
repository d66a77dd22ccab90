/** What `conversation.message.create` stores: the conversation, its visitor, its agent link, each message as sent. */
import { describe, expect, it } from "vitest";
import { ConversationDetailSchema } from "../../../../shared/api/conversations.ts";
import { api, createAgent } from "../../helpers.ts";
import {
  chatSession,
  crm,
  database,
  deliver,
  ownerWithAgent,
} from "../../conversations/helpers.ts";

const transcript = async (token: string, id: string) =>
  ConversationDetailSchema.parse(await (await crm(`/${id}`, token)).json());

describe("conversation.message.create", () => {
  it("creates the conversation with the session, agent and visitor the action names", async () => {
    const owner = await ownerWithAgent();
    const startedAt = new Date("2026-03-01T10:00:00.000Z");
    const session = await chatSession(owner.userId, owner.agent.id, {
      startedAt,
      visitor: {
        visitor_id: "v-42",
        user_agent: "Firefox/140",
        country: "DE",
        referrer_origin: "https://blog.example",
      },
    });
    await deliver([session.create(session.messages({ content: "Hi" }, { content: "Hello!" }))]);

    expect(await transcript(owner.token, session.conversationId)).toMatchObject({
      id: session.conversationId,
      agent_id: owner.agent.id,
      agent_name: owner.agent.name,
      session_id: session.sessionId,
      is_active: true,
      message_count: 2,
      started_at: startedAt.toISOString(),
      last_message_at: "2026-03-01T10:00:02.000Z",
      ended_at: null,
      duration_ms: 2000,
      visitor: {
        visitor_id: "v-42",
        user_agent: "Firefox/140",
        country: "DE",
        referrer: "https://blog.example",
      },
    });
  });

  it("keeps the messages of an agent deleted meanwhile, unlinked from it", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    await deliver([session.create(session.messages({ content: "before" }))]);
    expect(
      (await api(`/api/v1/agents/${owner.agent.id}`, { method: "DELETE", token: owner.token }))
        .status,
    ).toBe(200);

    const result = await deliver([session.create(session.messages({ content: "after" }))]);
    expect(result.explicitAcks).toHaveLength(1);
    const stored = await transcript(owner.token, session.conversationId);
    expect(stored).toMatchObject({ agent_id: null, agent_name: null, message_count: 2 });
    expect(stored.messages.map((m) => m.content)).toEqual(["before", "after"]);
  });

  it("stores a first message for an already deleted agent with no agent", async () => {
    const owner = await ownerWithAgent();
    const doomed = await createAgent(owner.token);
    await api(`/api/v1/agents/${doomed.id}`, { method: "DELETE", token: owner.token });
    const session = await chatSession(owner.userId, doomed.id);

    await deliver([session.create(session.messages({ content: "anyone there?" }))]);
    expect(await transcript(owner.token, session.conversationId)).toMatchObject({
      agent_id: null,
      message_count: 1,
    });
  });

  it("never links a conversation to another tenant's agent", async () => {
    const owner = await ownerWithAgent();
    const other = await ownerWithAgent();
    const session = await chatSession(owner.userId, other.agent.id);

    await deliver([session.create(session.messages({}))]);
    const [row] = await database()<
      { agent_id: string | null }[]
    >`select agent_id from conversations where id = ${session.conversationId}`;
    expect(row).toEqual({ agent_id: null });
  });

  it("drops NUL characters, which Postgres text cannot hold, and keeps the message", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);

    const result = await deliver([
      session.create(session.messages({ content: "a\u0000b", metadata: { model: "m\u0000x" } })),
    ]);
    expect(result.explicitAcks).toHaveLength(1);
    const [message] = (await transcript(owner.token, session.conversationId)).messages;
    expect(message).toMatchObject({ content: "ab", metadata: { model: "mx" } });
  });
});
