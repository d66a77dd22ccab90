/**
 * Queues deliver at least once and in no order. 1,000 turn messages (50 conversations x 20),
 * each delivered 1-3 times, shuffled across batches of the queue's size, must leave exactly one
 * row per message and counters that match the rows.
 */
import { describe, expect, it } from "vitest";
import { ConversationListSchema } from "../../../../shared/api/conversations.ts";
import type { DomainAction } from "../../../../shared/actions.ts";
import {
  chatSession,
  crm,
  database,
  deliver,
  ownerWithAgent,
  seededRandom,
  shuffle,
} from "../../conversations/helpers.ts";

const CONVERSATIONS = 50;
const MESSAGES_EACH = 20;
const BATCH_SIZE = 50; // wrangler.toml: max_batch_size of nooble-conversation

describe("conversation.message.create under duplicate, out-of-order delivery", () => {
  it(
    "stores 1,000 messages delivered 1-3 times each in shuffled batches exactly once, with true counts",
    { timeout: 300_000 },
    async () => {
      const seed = Date.now();
      const random = seededRandom(seed);
      const owner = await ownerWithAgent();
      const sessions = await Promise.all(
        Array.from({ length: CONVERSATIONS }, () => chatSession(owner.userId, owner.agent.id)),
      );

      const actions: DomainAction[] = [];
      const lastAt = new Map<string, string>();
      for (const session of sessions) {
        for (const message of session.messages(
          ...Array.from({ length: MESSAGES_EACH }, () => ({})),
        )) {
          actions.push(session.create([message]));
          lastAt.set(session.conversationId, message.created_at);
        }
      }
      const deliveries = shuffle(
        actions.flatMap((a) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => a)),
        random,
      );
      expect(deliveries.length, `seed ${seed}`).toBeGreaterThan(actions.length);

      let acked = 0;
      for (let i = 0; i < deliveries.length; i += BATCH_SIZE) {
        const batch = deliveries.slice(i, i + BATCH_SIZE);
        const result = await deliver(batch);
        expect(result.retryMessages, `seed ${seed}`).toEqual([]);
        acked += result.explicitAcks.length;
      }
      expect(acked).toBe(deliveries.length);

      const sql = database();
      const [rows] = await sql<{ n: number; distinct_ids: number }[]>`
      select count(*)::int as n, count(distinct id)::int as distinct_ids from messages where owner_id = ${owner.userId}`;
      expect(rows, `seed ${seed}`).toEqual({
        n: CONVERSATIONS * MESSAGES_EACH,
        distinct_ids: CONVERSATIONS * MESSAGES_EACH,
      });
      const conversations = await sql<
        { id: string; message_count: number; stored: number; last_message_at: Date }[]
      >`
      select c.id, c.message_count, c.last_message_at,
        (select count(*)::int from messages m where m.conversation_id = c.id) as stored
      from conversations c where c.owner_id = ${owner.userId}`;
      expect(conversations).toHaveLength(CONVERSATIONS);
      for (const c of conversations) {
        expect({ count: c.message_count, stored: c.stored }).toEqual({
          count: MESSAGES_EACH,
          stored: MESSAGES_EACH,
        });
        expect(c.last_message_at.toISOString()).toBe(lastAt.get(c.id));
      }

      const list = ConversationListSchema.parse(
        await (await crm("?limit=100", owner.token)).json(),
      );
      expect(list.total).toBe(CONVERSATIONS);
      expect(
        list.conversations.every(
          (c) => c.message_count === MESSAGES_EACH && c.preview === "message 0",
        ),
      ).toBe(true);
    },
  );

  it("counts a redelivered turn once even when the same batch carries it twice", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const turn = session.create(session.messages({ content: "hello" }, { content: "hi!" }));
    const later = session.create(session.messages({ content: "and then?" }));

    const result = await deliver([later, turn, turn, later]);
    expect(result.explicitAcks).toHaveLength(4);

    const [row] = await database()<
      { message_count: number }[]
    >`select message_count from conversations where id = ${session.conversationId}`;
    expect(row?.message_count).toBe(3);
  });
});
