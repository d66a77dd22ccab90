/**
 * chat/init's `metadata` travels with the session to Postgres: the turn the initial message
 * started is persisted by the conversation consumer with the metadata on the conversation row,
 * and the CRM API (list and transcript) returns it. Written once: a later delivery (another
 * turn, the session end, a duplicate) never replaces it.
 */
import { describe, expect, it, vi } from "vitest";
import { ChatInitResponseSchema } from "../../../shared/api/chat.ts";
import {
  ConversationDetailSchema,
  ConversationListSchema,
} from "../../../shared/api/conversations.ts";
import { CONVERSATION_ACTIONS, MessageCreateDataSchema } from "../../../shared/conversation.ts";
import {
  initRequest,
  openSocket,
  publicAgent,
  recordConversationActions,
} from "../chat/helpers.ts";
import { chatSession, crm, database, deliver, ownerWithAgent } from "./helpers.ts";

const sent = recordConversationActions();
const METADATA = { page: "/pricing", plan: "pro", returning: true, visits: 3, coupon: null };

describe("a conversation's metadata from chat/init", () => {
  it("is persisted with the initial message's turn on the conversation row and shown by the CRM", async () => {
    const { token, agent } = await publicAgent();
    const res = await initRequest({
      agent_id: agent.id,
      tenant_id: agent.owner_id,
      user_id: "visitor-42",
      initial_message: "Do you ship abroad?",
      metadata: METADATA,
    });
    expect(res.status).toBe(201);
    const init = ChatInitResponseSchema.parse(await res.json());
    const socket = await openSocket(init);
    const response = await socket.next("chat_response", (f) => f.task_id === init.task_id);
    const conversationId = String(response.data["conversation_id"]);

    // The session queues the turn for Postgres shortly after it ends (its outbox).
    const action = await vi.waitFor(() => {
      const found = sent().find(
        (a) =>
          a.session_id === init.session_id && a.action_type === CONVERSATION_ACTIONS.messageCreate,
      );
      if (!found) throw new Error("the turn was not queued yet");
      return found;
    });
    expect(MessageCreateDataSchema.parse(action.data).visitor).toMatchObject({
      visitor_id: "visitor-42",
      metadata: METADATA,
    });
    expect(await deliver([action])).toMatchObject({ explicitAcks: [expect.anything()] });

    const [row] = await database()<
      { metadata: unknown; message_count: number }[]
    >`select metadata, message_count from conversations where id = ${conversationId}`;
    expect(row).toEqual({ metadata: METADATA, message_count: 2 });
    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${conversationId}`, token)).json(),
    );
    expect(detail.metadata).toEqual(METADATA);
    expect(detail.messages.map((m) => [m.role, m.content.length > 0])).toEqual([
      ["user", true],
      ["assistant", true],
    ]);
    expect(detail.messages[0]?.content).toBe("Do you ship abroad?");
    const list = ConversationListSchema.parse(await (await crm("", token)).json());
    expect(list.conversations.find((c) => c.id === conversationId)?.metadata).toEqual(METADATA);
    socket.close();
  });

  it("keeps the first metadata stored whatever arrives later, and is {} for a session without any", async () => {
    const owner = await ownerWithAgent();
    const first = await chatSession(owner.userId, owner.agent.id, {
      visitor: { visitor_id: "v", metadata: { source: "widget" } },
    });
    const messages = first.messages({ content: "hi" }, { content: "hello" });
    await deliver([first.end(new Date()), first.create(messages), first.create(messages)]);
    const plain = await chatSession(owner.userId, owner.agent.id, { visitor: { visitor_id: "w" } });
    await deliver([plain.create(plain.messages({ content: "hey" }))]);

    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${first.conversationId}`, owner.token)).json(),
    );
    expect(detail.metadata).toEqual({ source: "widget" });
    expect(
      ConversationDetailSchema.parse(
        await (await crm(`/${plain.conversationId}`, owner.token)).json(),
      ).metadata,
    ).toEqual({});
  });
});
