/**
 * While the database cannot be reached, messages are retried with a delay that grows with each
 * attempt (not acked, not dead-lettered); on the last attempt the queue allows, they go to the
 * dead-letter queue with the reason. Once the database is back, the retry stores them.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { WorkerEnv } from "../../../../workers/env.ts";
import { CONVERSATION_RETRY } from "../../../../workers/services/conversation/consumer.ts";
import { retryDelaySeconds as delayAfter } from "../../../../workers/services/dead-letter.ts";
import {
  chatSession,
  database,
  deliver,
  ownerWithAgent,
  recordDeadLetters,
} from "../../conversations/helpers.ts";

/** The Worker's environment with Hyperdrive pointing at a port nothing listens on. */
const databaseDown: WorkerEnv = {
  ...env,
  HYPERDRIVE: {
    ...env.HYPERDRIVE,
    connectionString: "postgres://postgres:postgres@127.0.0.1:1/postgres",
  },
};

const MAX_ATTEMPTS = CONVERSATION_RETRY.maxAttempts;
const retryDelaySeconds = (attempts: number) => delayAfter(attempts, CONVERSATION_RETRY.backoff);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("conversation consumer with the database unreachable", () => {
  it("retries every message of the batch with a delay and acks none", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const actions = [
      session.create(session.messages({})),
      session.create(session.messages({})),
      session.end(new Date()),
    ];
    const letters = recordDeadLetters();

    const result = await deliver(actions, { env: databaseDown, attempts: 2 });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(3);
    expect(result.retryDelays).toEqual([
      retryDelaySeconds(2),
      retryDelaySeconds(2),
      retryDelaySeconds(2),
    ]);
    expect(letters()).toEqual([]);
  });

  it("waits longer after each failed attempt, up to a cap", () => {
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => retryDelaySeconds(i + 1));
    for (let i = 1; i < delays.length; i++)
      expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
    expect(delays[0]).toBeGreaterThan(0);
    expect(retryDelaySeconds(50)).toBe(retryDelaySeconds(60));
  });

  it("still dead-letters a malformed message at once while the database is down", async () => {
    const letters = recordDeadLetters();
    const result = await deliver([{ action_type: "conversation.message.create" }], {
      env: databaseDown,
    });
    expect(result.explicitAcks).toHaveLength(1);
    expect(letters()[0]?.reason).toMatch(/^not a valid DomainAction/);
  });

  it("dead-letters with the reason on the last attempt instead of retrying again", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const action = session.create(session.messages({}));
    const letters = recordDeadLetters();

    const result = await deliver([action], { env: databaseDown, attempts: MAX_ATTEMPTS });
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(letters()).toEqual([
      {
        reason: expect.stringMatching(
          new RegExp(`^gave up after ${MAX_ATTEMPTS} attempts: database error`),
        ),
        queue: "nooble-conversation",
        body: action,
      },
    ]);
  });

  it("stores the message when its retry finds the database back", async () => {
    const owner = await ownerWithAgent();
    const session = await chatSession(owner.userId, owner.agent.id);
    const action = session.create(session.messages({ content: "persisted after all" }));

    expect((await deliver([action], { env: databaseDown })).retryMessages).toHaveLength(1);
    expect((await deliver([action], { attempts: 2 })).explicitAcks).toHaveLength(1);
    const rows = await database()<
      { content: string }[]
    >`select content from messages where conversation_id = ${session.conversationId}`;
    expect(rows).toEqual([{ content: "persisted after all" }]);
  });
});
