/**
 * ChatSession's outbox carries a contact capture_contact saved to the CRM: what
 * `captureContact` queues is a valid `conversation.contact.capture` that the conversation
 * consumer stores on the session's conversation; two captures in one event stay ordered (the
 * clock stands still between them), so the later wins even delivered first and twice; and a
 * contact its schema refuses throws at the call instead of sitting in the outbox.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ConversationDetailSchema } from "../../../../shared/api/conversations.ts";
import { CONVERSATION_ACTIONS, ContactCaptureDataSchema } from "../../../../shared/conversation.ts";
import { ChatSessionOutbox } from "../../../../durable-objects/chat-session/chat-session.outbox.ts";
import { ChatSessionStore } from "../../../../durable-objects/chat-session/chat-session.sql.ts";
import type { CapturedContact } from "../../../../workers/agent/tools/types.ts";
import { createLogger } from "../../../../workers/log.ts";
import {
  initChat,
  publicAgent,
  recordConversationActions,
  sessionStub,
} from "../../chat/helpers.ts";
import { crm, deliver } from "../../conversations/helpers.ts";

const sent = recordConversationActions();

/** Runs `captureContact` for each contact in one event of the session's object, then flushes. */
function capture(sessionId: string, contacts: CapturedContact[]): Promise<void> {
  return runInDurableObject(sessionStub(sessionId), async (_instance, state) => {
    const store = new ChatSessionStore(state.storage.sql);
    const session = store.getSession();
    if (!session) throw new Error("the session was not initialised");
    const outbox = new ChatSessionOutbox(store, env, createLogger());
    for (const contact of contacts) outbox.captureContact(session, contact);
    await outbox.flush();
  });
}

const capturesOf = (sessionId: string) =>
  sent().filter(
    (a) => a.action_type === CONVERSATION_ACTIONS.contactCapture && a.session_id === sessionId,
  );

describe("ChatSessionOutbox.captureContact", () => {
  it("queues captures the consumer stores on the conversation, the later of two in one event winning", async () => {
    const { token, agent } = await publicAgent();
    const chat = await initChat(agent);
    // The clock stands still between two calls in one event of a Durable Object: so here.
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-05-04T10:00:00.000Z") });
    try {
      await capture(chat.session_id, [
        { name: "Ada", email: "ada@old.example" },
        { email: "ada@example.com", note: "Wants a demo" },
      ]);
    } finally {
      vi.useRealTimers();
    }

    // The outbox sends rows of one moment in any order: tell the captures apart by content.
    const captures = capturesOf(chat.session_id).map((action) => ({
      action,
      data: ContactCaptureDataSchema.parse(action.data),
    }));
    const first = captures.find((c) => c.data.contact.name === "Ada");
    const later = captures.find((c) => c.data.contact.note === "Wants a demo");
    if (!first || !later) throw new Error("expected both captures on the queue");
    expect(captures).toHaveLength(2);
    expect(first.action.tenant_id).toBe(agent.owner_id);
    expect(Date.parse(later.data.contact.captured_at)).toBeGreaterThan(
      Date.parse(first.data.contact.captured_at),
    );
    const result = await deliver([later.action, first.action, first.action]);
    expect(result.explicitAcks).toHaveLength(3);

    const conversationId = later.data.conversation_id;
    const detail = ConversationDetailSchema.parse(
      await (await crm(`/${conversationId}`, token)).json(),
    );
    expect(detail).toMatchObject({
      session_id: chat.session_id,
      contact: { name: null, email: "ada@example.com", phone: null, note: "Wants a demo" },
    });
  });

  it("throws on a contact without name, email or phone, and on an invalid email, queuing nothing", async () => {
    const { agent } = await publicAgent();
    const chat = await initChat(agent);
    await expect(capture(chat.session_id, [{ note: "call me" }])).rejects.toThrow(
      /name, an email or a phone/,
    );
    await expect(capture(chat.session_id, [{ email: "not an address" }])).rejects.toThrow();
    expect(capturesOf(chat.session_id)).toEqual([]);
  });
});
