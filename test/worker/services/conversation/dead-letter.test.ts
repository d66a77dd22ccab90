/**
 * Messages that can never succeed go to the dead-letter queue with their reason and are acked:
 * never retried forever, never dropped silently, and nothing of them is stored.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  chatSession,
  database,
  deliver,
  ownerWithAgent,
  recordDeadLetters,
} from "../../conversations/helpers.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("conversation consumer dead letters", () => {
  it("dead-letters a body that is not a DomainAction, naming the fields at fault, and acks it", async () => {
    const letters = recordDeadLetters();
    const bodies = ["not json at all", { hello: "world" }, null];
    const result = await deliver(bodies);

    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toEqual([]);
    expect(letters().map((l) => l.body)).toEqual(bodies);
    expect(letters()[1]?.reason).toMatch(/not a valid DomainAction: .*action_id.*tenant_id/);
  });

  it("dead-letters an action type this service does not handle", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const action = {
      ...session.create(session.messages({})),
      action_type: "conversation.message.delete",
    };
    const letters = recordDeadLetters();

    const result = await deliver([action]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(letters()).toEqual([
      {
        reason: expect.stringContaining('unknown action type "conversation.message.delete"'),
        queue: "nooble-conversation",
        body: action,
      },
    ]);
  });

  it("dead-letters a message.create whose data breaks the payload contract", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const action = session.create(session.messages({}));
    const broken = { ...action, data: { ...action.data, messages: [] } };
    const letters = recordDeadLetters();

    await deliver([broken]);
    expect(letters()[0]?.reason).toMatch(/^invalid conversation\.message\.create data: messages: /);
    const rows = await database()`select 1 from conversations where id = ${session.conversationId}`;
    expect(rows).toHaveLength(0);
  });

  it("dead-letters a message for a tenant without a profile, with the reason", async () => {
    const owner = await ownerWithAgent();
    const stranger = crypto.randomUUID();
    const session = await chatSession(stranger, owner.agent.id);
    const letters = recordDeadLetters();

    const result = await deliver([session.create(session.messages({}))]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(letters()[0]?.reason).toBe(`owner profile ${stranger} does not exist`);
  });

  it("refuses to write into another tenant's conversation id and dead-letters the attempt", async () => {
    const victim = await ownerWithAgent();
    const attacker = await ownerWithAgent();
    const victims = await chatSession(victim.userId, victim.agent.id);
    await deliver([victims.create(victims.messages({ content: "private" }))]);

    const forged = await chatSession(attacker.userId, attacker.agent.id);
    const action = forged.create(forged.messages({ content: "planted" }));
    const letters = recordDeadLetters();
    await deliver([
      { ...action, data: { ...action.data, conversation_id: victims.conversationId } },
    ]);

    expect(letters()[0]?.reason).toBe(
      `conversation ${victims.conversationId} belongs to another tenant`,
    );
    const contents = await database()<
      { content: string }[]
    >`select content from messages where conversation_id = ${victims.conversationId}`;
    expect(contents.map((r) => r.content)).toEqual(["private"]);
  });

  it("dead-letters data Postgres refuses (a seq beyond its integer range) instead of retrying it", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const [message] = session.messages({});
    const letters = recordDeadLetters();

    const result = await deliver([session.create(message ? [{ ...message, seq: 2 ** 40 }] : [])]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(letters()[0]?.reason).toMatch(/^the database refused the data: .*out of range/);
  });
});
