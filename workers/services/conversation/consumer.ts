/**
 * The conversation service: consumer of the `nooble-conversation` queue. Persists chat turns
 * (`conversation.message.create`), session ends (`conversation.session.end`) and the contact
 * details an agent captured (`conversation.contact.capture`) to Postgres.
 *
 * Deliveries are at least once and in any order; the writes are idempotent (see
 * workers/db/conversations.ts), so a message is simply acked once stored. A message that can
 * never succeed (malformed, unknown type, no owner profile, a conversation id of another
 * tenant, data Postgres refuses) is poison; one that failed for a passing reason (database
 * unreachable) is retried with a growing delay, and dead-lettered with its reason on the last
 * attempt the queue allows (queue-consumer.ts decides each outcome).
 */
import postgres from "postgres";
import type { Sql } from "postgres";
import { PG_FOREIGN_KEY_VIOLATION, isPgError, openDatabase } from "../../db/client.ts";
import {
  ConversationOwnerMismatch,
  endConversation,
  ownerExists,
  storeContact,
  storeMessages,
} from "../../db/conversations.ts";
import type { Logger } from "../../log.ts";
import { PoisonMessage, TransientFailure, defineConsumer, errorText } from "../queue-consumer.ts";
import type { ParsedAction, RetryPolicy } from "../queue-consumer.ts";

export const CONVERSATION_QUEUE_NAME = "nooble-conversation";

/**
 * wrangler.toml gives this queue `max_retries = 5`: a message is delivered at most 6 times.
 * 30 s, 60 s, 120 s, ... capped at 15 min, so about half an hour of database outage is ridden
 * out before the last attempt: longer than the standard backoff on purpose, a stored turn can
 * wait, an upload someone watches should not.
 */
export const CONVERSATION_RETRY: RetryPolicy = {
  maxAttempts: 6,
  backoff: { firstSeconds: 30, maxSeconds: 900 },
};

/** Postgres refused the data itself (class 22 data exception, class 23 integrity): retrying changes nothing. */
const refusedData = (err: unknown) =>
  err instanceof postgres.PostgresError && /^2[23]/.test(err.code);

async function apply(sql: Sql, parsed: ParsedAction<"conversation">, log: Logger): Promise<void> {
  const tenantId = parsed.action.tenant_id;
  try {
    if (parsed.type === "conversation.message.create") {
      const stored = await storeMessages(sql, tenantId, parsed.data);
      log.info("conversation messages stored", { ...stored });
    } else if (parsed.type === "conversation.contact.capture") {
      const { replaced } = await storeContact(sql, tenantId, parsed.data);
      // No contact detail in the log: it is the visitor's personal data.
      log.info("conversation contact stored", { replaced });
    } else {
      await endConversation(sql, tenantId, parsed.data);
      log.info("conversation ended", { reason: parsed.data.reason });
    }
  } catch (err) {
    if (err instanceof ConversationOwnerMismatch) throw new PoisonMessage(err.message);
    // The owner's profile is gone (or never was): nothing to attach the conversation to. Any other
    // foreign key (an agent deleted between lookup and insert) resolves itself on the next attempt.
    if (isPgError(err, PG_FOREIGN_KEY_VIOLATION)) {
      if (!(await ownerExists(sql, tenantId)))
        throw new PoisonMessage(`owner profile ${tenantId} does not exist`);
      throw err;
    }
    if (refusedData(err))
      throw new PoisonMessage(`the database refused the data: ${errorText(err)}`);
    throw err;
  }
}

interface ConversationBatch {
  db: () => Sql;
  /**
   * Set once the database cannot be reached: the rest of the batch is retried without each
   * message waiting out its own connection timeout.
   */
  unreachable?: string;
}

/** Handles one batch from `nooble-conversation`: every message ends acked, retried or dead-lettered. */
export const handleConversationBatch = defineConsumer<"conversation", ConversationBatch>({
  service: "conversation",
  retry: CONVERSATION_RETRY,
  batch: (env) => {
    let sql: Sql | undefined;
    return { db: () => (sql ??= openDatabase(env.HYPERDRIVE.connectionString)) };
  },
  logFields: (parsed) => ({
    conversation_id: parsed.data.conversation_id,
    agent_id: parsed.data.agent_id,
  }),
  async handle(parsed, batch, log) {
    if (batch.unreachable !== undefined) throw new TransientFailure(batch.unreachable);
    try {
      await apply(batch.db(), parsed, log);
    } catch (err) {
      if (err instanceof PoisonMessage) throw err;
      const reason = `database error: ${errorText(err)}`;
      if (!(err instanceof postgres.PostgresError)) batch.unreachable = reason;
      throw new TransientFailure(reason);
    }
  },
});
