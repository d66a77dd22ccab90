/**
 * The conversation service: consumer of the `nooble-conversation` queue. Persists chat turns
 * (`conversation.message.create`) and session ends (`conversation.session.end`) to Postgres.
 *
 * Deliveries are at least once and in any order; the writes are idempotent (see
 * workers/db/conversations.ts), so a message is simply acked once stored. A message that can
 * never succeed (malformed, unknown type, no owner profile, a conversation id of another
 * tenant, data Postgres refuses) goes to the dead-letter queue with its reason and is acked;
 * one that failed for a passing reason (database unreachable) is retried with a growing delay,
 * and dead-lettered with its reason on the last attempt the queue allows.
 */
import postgres from "postgres";
import type { Sql } from "postgres";
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { DomainAction } from "../../../shared/actions.ts";
import {
  CONVERSATION_ACTIONS,
  MessageCreateDataSchema,
  SessionEndDataSchema,
} from "../../../shared/conversation.ts";
import type { MessageCreateData, SessionEndData } from "../../../shared/conversation.ts";
import { fieldErrorsFromIssues } from "../../../shared/errors.ts";
import type { z } from "zod";
import { PG_FOREIGN_KEY_VIOLATION, isPgError, openDatabase } from "../../db/client.ts";
import {
  ConversationOwnerMismatch,
  endConversation,
  ownerExists,
  storeMessages,
} from "../../db/conversations.ts";
import { createLogger } from "../../log.ts";
import type { Logger } from "../../log.ts";
import type { WorkerEnv } from "../../env.ts";
import { sendToDeadLetter } from "../dead-letter.ts";

export const CONVERSATION_QUEUE_NAME = "nooble-conversation";

/** wrangler.toml gives this queue `max_retries = 5`: a message is delivered at most 6 times. */
export const MAX_ATTEMPTS = 6;

/**
 * 30 s, 60 s, 120 s, ... capped at 15 min, so about half an hour of database outage is ridden
 * out before the last attempt. Longer than services/dead-letter.ts's backoff on purpose: a
 * stored turn can wait, a live chat answer cannot.
 */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempts - 1), 900);
}

type ParsedAction =
  | { ok: true; action: DomainAction; kind: "message.create"; data: MessageCreateData }
  | { ok: true; action: DomainAction; kind: "session.end"; data: SessionEndData }
  | { ok: false; reason: string };

const describeIssues = (issues: readonly z.core.$ZodIssue[]) =>
  fieldErrorsFromIssues(issues)
    .map((f) => `${f.field}: ${f.message}`)
    .join("; ");

/** Parses the envelope, then the payload its action type promises. */
export function parseConversationAction(body: unknown): ParsedAction {
  const envelope = DomainActionSchema.safeParse(body);
  if (!envelope.success)
    return {
      ok: false,
      reason: `not a valid DomainAction: ${describeIssues(envelope.error.issues)}`,
    };
  const action = envelope.data;
  switch (action.action_type) {
    case CONVERSATION_ACTIONS.messageCreate: {
      const data = MessageCreateDataSchema.safeParse(action.data);
      if (!data.success)
        return {
          ok: false,
          reason: `invalid ${action.action_type} data: ${describeIssues(data.error.issues)}`,
        };
      return { ok: true, action, kind: "message.create", data: data.data };
    }
    case CONVERSATION_ACTIONS.sessionEnd: {
      const data = SessionEndDataSchema.safeParse(action.data);
      if (!data.success)
        return {
          ok: false,
          reason: `invalid ${action.action_type} data: ${describeIssues(data.error.issues)}`,
        };
      return { ok: true, action, kind: "session.end", data: data.data };
    }
    default:
      return {
        ok: false,
        reason: `unknown action type "${action.action_type}" for the conversation service`,
      };
  }
}

/** A failure that no retry can fix. */
class PoisonMessage extends Error {}

/** Postgres refused the data itself (class 22 data exception, class 23 integrity): retrying changes nothing. */
const refusedData = (err: unknown) =>
  err instanceof postgres.PostgresError && /^2[23]/.test(err.code);

async function apply(
  sql: Sql,
  parsed: Extract<ParsedAction, { ok: true }>,
  log: Logger,
): Promise<void> {
  const tenantId = parsed.action.tenant_id;
  try {
    if (parsed.kind === "message.create") {
      const stored = await storeMessages(sql, tenantId, parsed.data);
      log.info("conversation messages stored", { ...stored });
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

const errorText = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}` : String(err);

/** Ids a log line can carry even for a body that did not parse. */
const LOGGED_IDS = new Set([
  "trace_id",
  "tenant_id",
  "session_id",
  "task_id",
  "action_id",
  "action_type",
]);
function idsOf(body: unknown): Record<string, string> {
  if (typeof body !== "object" || body === null) return {};
  const ids: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (LOGGED_IDS.has(key) && typeof value === "string") ids[key] = value.slice(0, 200);
  }
  return ids;
}

/** Handles one batch from `nooble-conversation`: every message ends acked, retried or dead-lettered. */
export async function handleConversationBatch(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
): Promise<void> {
  const base = createLogger({ queue: CONVERSATION_QUEUE_NAME });
  let sql: Sql | undefined;
  const db = () => (sql ??= openDatabase(env.HYPERDRIVE.connectionString));
  // Once the database cannot be reached, the rest of the batch is retried without each message
  // waiting out its own connection timeout.
  let unreachable: string | undefined;

  const deadLetter = async (msg: Message<unknown>, reason: string, log: Logger) => {
    try {
      await sendToDeadLetter(env, CONVERSATION_QUEUE_NAME, reason, msg.body);
      msg.ack();
      log.warn("message dead-lettered", { reason });
    } catch (err) {
      // Not acked, not lost: the queue delivers it again (and dead-letters it itself in the end).
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      log.error("dead-letter queue refused a message; retrying it", {
        reason,
        error: errorText(err),
      });
    }
  };

  const retryLater = async (msg: Message<unknown>, reason: string, log: Logger) => {
    if (msg.attempts >= MAX_ATTEMPTS)
      return deadLetter(msg, `gave up after ${msg.attempts} attempts: ${reason}`, log);
    const delaySeconds = retryDelaySeconds(msg.attempts);
    msg.retry({ delaySeconds });
    log.warn("message will be retried", { reason, delay_seconds: delaySeconds });
  };

  for (const msg of batch.messages) {
    const log = base.with({ ...idsOf(msg.body), message_id: msg.id, attempts: msg.attempts });
    const parsed = parseConversationAction(msg.body);
    if (!parsed.ok) {
      await deadLetter(msg, parsed.reason, log);
      continue;
    }
    const actionLog = log.with({
      conversation_id: parsed.data.conversation_id,
      agent_id: parsed.data.agent_id,
    });
    if (unreachable !== undefined) {
      await retryLater(msg, unreachable, actionLog);
      continue;
    }
    try {
      await apply(db(), parsed, actionLog);
      msg.ack();
    } catch (err) {
      if (err instanceof PoisonMessage) {
        await deadLetter(msg, err.message, actionLog);
      } else {
        const reason = `database error: ${errorText(err)}`;
        if (!(err instanceof postgres.PostgresError)) unreachable = reason;
        await retryLater(msg, reason, actionLog);
      }
    }
  }
}
