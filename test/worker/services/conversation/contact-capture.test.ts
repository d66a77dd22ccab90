/**
 * `conversation.contact.capture` puts the visitor's contact on the conversation: a redelivery
 * writes the same row, a later capture replaces an earlier one whatever the delivery order, a
 * capture that arrives before the conversation's messages creates it (and the messages keep it),
 * and a conversation id of another tenant is poison, never written.
 */
import { describe, expect, it } from "vitest";
import { ConversationDetailSchema } from "../../../../shared/api/conversations.ts";
import {
  chatSession,
  crm,
  database,
  deliver,
  ownerWithAgent,
  recordDeadLetters,
} from "../../conversations/helpers.ts";

const transcript = async (token: string, id: string) =>
  ConversationDetailSchema.parse(await (await crm(`/${id}`, token)).json());

const FIRST = new Date("2026-05-04T10:00:00.000Z");
const LATER = new Date("2026-05-04T10:02:00.000Z");

describe("conversation.contact.capture", () => {
  it("stores the contact once, and a redelivery writes the same row", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    await deliver([session.create(session.messages({ content: "call me: ada@example.com" }))]);
    const capture = session.contact({ email: "ada@example.com", note: "Wants a demo" }, FIRST);

    expect((await deliver([capture])).explicitAcks).toHaveLength(1);
    const stored = await transcript(owner.token, session.conversationId);
    expect(stored.contact).toEqual({
      name: null,
      email: "ada@example.com",
      phone: null,
      note: "Wants a demo",
      captured_at: FIRST.toISOString(),
    });
    expect((await deliver([capture, capture])).explicitAcks).toHaveLength(2);
    expect(await transcript(owner.token, session.conversationId)).toEqual(stored);
  });

  it("keeps the later capture in the same conversation, in whichever order both arrive", async () => {
    const owner = await ownerWithAgent();
    for (const order of ["in order", "reversed"] as const) {
      const session = await chatSession(owner.userId, owner.agent.id);
      const first = session.contact({ name: "Ada", email: "ada@old.example" }, FIRST);
      const later = session.contact({ phone: "+33 6 12 34 56 78" }, LATER);
      await deliver(order === "in order" ? [first, later] : [later, first]);
      await deliver([first]);
      expect((await transcript(owner.token, session.conversationId)).contact, order).toEqual({
        name: null,
        email: null,
        phone: "+33 6 12 34 56 78",
        note: null,
        captured_at: LATER.toISOString(),
      });
    }
  });

  it("creates the conversation when the capture arrives first, and its messages keep the contact", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    await deliver([session.contact({ name: "Ada Lovelace" }, FIRST)]);
    await deliver([session.create(session.messages({ content: "I'm Ada Lovelace" }, {}))]);
    const stored = await transcript(owner.token, session.conversationId);
    expect(stored).toMatchObject({ message_count: 2, contact: { name: "Ada Lovelace" } });
  });

  it("dead-letters a capture naming another tenant's conversation and leaves it untouched", async () => {
    const a = await ownerWithAgent();
    const b = await ownerWithAgent();
    const theirs = await chatSession(a.userId, a.agent.id);
    await deliver([theirs.create(theirs.messages({ content: "hello" }))]);
    const forged = (await chatSession(b.userId, b.agent.id)).contact(
      { email: "attacker@evil.example" },
      LATER,
    );
    forged.data = { ...forged.data, conversation_id: theirs.conversationId };

    const deadLetters = recordDeadLetters();
    const result = await deliver([forged]);
    expect(result.retryMessages).toEqual([]);
    expect(deadLetters().map((d) => d.reason)).toEqual([
      expect.stringContaining("belongs to another tenant"),
    ]);
    const [row] = await database()<{ contact_email: string | null }[]>`
      select contact_email from conversations where id = ${theirs.conversationId}`;
    expect(row).toEqual({ contact_email: null });
  });
});
