/**
 * The one queue-consumer skeleton: every consumer (and the fallback for a queue with none) is
 * a `defineConsumer` spec, and this loop decides each message's fate the same way:
 *
 * - the envelope and the payload its action type promises are parsed (shared/actions.ts);
 *   a body that does not parse, or a type this queue does not carry, is poison: dead-lettered
 *   at once with the reason, and acked;
 * - the handler runs; returning acks the message (handlers are idempotent, so a redelivery
 *   has no extra effect);
 * - a `PoisonMessage` thrown by the handler is dead-lettered at once with its reason;
 * - anything else is transient: retried after the consumer's backoff, until the last attempt
 *   the consumer allows, where the message is given up: dead-lettered with the reason, or
 *   handed to the consumer's `giveUp` (an ingestion job fails with a reason the owner sees).
 *
 * If the dead-letter queue (or `giveUp`) itself fails, the message is retried, not lost.
 */
import type { z } from "zod";
import { ACTIONS, DomainActionSchema, isActionType } from "../../shared/actions.ts";
import type { ActionData, ActionTypeOn, DomainAction, QueueService } from "../../shared/actions.ts";
import { fieldErrorsFromIssues } from "../../shared/errors.ts";
import type { WorkerEnv } from "../env.ts";
import { createLogger } from "../log.ts";
import type { Logger } from "../log.ts";
import { STANDARD_BACKOFF, retryDelaySeconds, sendToDeadLetter } from "./dead-letter.ts";
import type { Backoff } from "./dead-letter.ts";

/** A failure no retry can fix: the message goes to the dead-letter queue with this reason. */
export class PoisonMessage extends Error {}

/** A failure worth retrying, whose message is the whole reason (no error name prefixed). */
export class TransientFailure extends Error {}

/** One parsed message of queue `Q`: its envelope, and its payload typed by its action type. */
export type ParsedAction<Q extends QueueService> = {
  [T in ActionTypeOn<Q>]: { type: T; action: DomainAction; data: ActionData<T> };
}[ActionTypeOn<Q>];

type Parsed<Q extends QueueService> =
  { ok: true; value: ParsedAction<Q> } | { ok: false; reason: string };

export interface RetryPolicy {
  /** The delivery on which a still failing message is given up (wrangler.toml's max_retries + 1 at most). */
  maxAttempts: number;
  backoff: Backoff;
}

export interface ConsumerSpec<Q extends QueueService, B> {
  /** The service whose queue this consumes: it accepts the action types ACTIONS puts there. */
  service: Q;
  retry: RetryPolicy;
  /** What the batch's messages share (a database client opened on first use, ...). */
  batch(env: WorkerEnv): B;
  /** Ids worth a log line for a parsed message. */
  logFields?(parsed: ParsedAction<Q>): Record<string, unknown>;
  handle(parsed: ParsedAction<Q>, batch: B, log: Logger): Promise<void>;
  /** The last attempt failed with `reason`: settle the message instead of dead-lettering it. */
  giveUp?(parsed: ParsedAction<Q>, batch: B, reason: string, log: Logger): Promise<void>;
}

export type BatchHandler = (batch: MessageBatch<unknown>, env: WorkerEnv) => Promise<void>;

const describeIssues = (issues: readonly z.core.$ZodIssue[]) =>
  fieldErrorsFromIssues(issues)
    .map((f) => `${f.field}: ${f.message}`)
    .join("; ");

export const errorText = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}` : String(err);

/** Parses the envelope, then the payload its action type promises, for the actions `service` consumes. */
export function parseAction<Q extends QueueService>(service: Q, body: unknown): Parsed<Q> {
  const envelope = DomainActionSchema.safeParse(body);
  if (!envelope.success)
    return {
      ok: false,
      reason: `not a valid DomainAction: ${describeIssues(envelope.error.issues)}`,
    };
  const action = envelope.data;
  const type = action.action_type;
  if (!isActionType(type) || ACTIONS[type].queue !== service)
    return { ok: false, reason: `unknown action type "${type}" for the ${service} service` };
  const data = ACTIONS[type].data.safeParse(action.data);
  if (!data.success)
    return { ok: false, reason: `invalid ${type} data: ${describeIssues(data.error.issues)}` };
  // The row's queue is `service` and `data` parsed with the row's schema; TypeScript cannot
  // relate a runtime table lookup to the mapped union, so this one assertion states it.
  return { ok: true, value: { type, action, data: data.data } as ParsedAction<Q> };
}

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

/** Dead-letters the message and acks it; if the dead-letter queue refuses it, retries it instead. */
async function deadLetter(
  env: WorkerEnv,
  queue: string,
  msg: Message<unknown>,
  reason: string,
  backoff: Backoff,
  log: Logger,
): Promise<void> {
  try {
    await sendToDeadLetter(env, queue, reason, msg.body);
    msg.ack();
    log.warn("message dead-lettered", { reason });
  } catch (err) {
    // Not acked, not lost: the queue delivers it again (and dead-letters it itself in the end).
    msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts, backoff) });
    log.error("dead-letter queue refused a message; retrying it", {
      reason,
      error: errorText(err),
    });
  }
}

/** Builds the batch handler for one queue from its spec. */
export function defineConsumer<Q extends QueueService, B>(spec: ConsumerSpec<Q, B>): BatchHandler {
  const { retry } = spec;
  return async (batch, env) => {
    const base = createLogger({ queue: batch.queue });
    const shared = spec.batch(env);
    for (const msg of batch.messages) {
      const log = base.with({ ...idsOf(msg.body), message_id: msg.id, attempts: msg.attempts });
      const parsed = parseAction(spec.service, msg.body);
      if (!parsed.ok) {
        await deadLetter(env, batch.queue, msg, parsed.reason, retry.backoff, log);
        continue;
      }
      const actionLog = spec.logFields ? log.with(spec.logFields(parsed.value)) : log;
      try {
        await spec.handle(parsed.value, shared, actionLog);
        msg.ack();
      } catch (err) {
        if (err instanceof PoisonMessage) {
          await deadLetter(env, batch.queue, msg, err.message, retry.backoff, actionLog);
          continue;
        }
        const reason = err instanceof TransientFailure ? err.message : errorText(err);
        if (msg.attempts < retry.maxAttempts) {
          const delaySeconds = retryDelaySeconds(msg.attempts, retry.backoff);
          msg.retry({ delaySeconds });
          actionLog.warn("message will be retried", { reason, delay_seconds: delaySeconds });
          continue;
        }
        const gaveUp = `gave up after ${msg.attempts} attempts: ${reason}`;
        if (!spec.giveUp) {
          await deadLetter(env, batch.queue, msg, gaveUp, retry.backoff, actionLog);
          continue;
        }
        try {
          await spec.giveUp(parsed.value, shared, reason, actionLog);
          msg.ack();
          actionLog.warn("message given up", { reason: gaveUp });
        } catch (giveUpErr) {
          msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts, retry.backoff) });
          actionLog.error("giving up a message failed; retrying it", {
            reason: gaveUp,
            error: errorText(giveUpErr),
          });
        }
      }
    }
  };
}

/** The handler for a queue no consumer reads: every message is dead-lettered with that reason. */
export const noConsumer: BatchHandler = async (batch, env) => {
  const log = createLogger({ queue: batch.queue });
  log.error("batch from a queue with no consumer", { messages: batch.messages.length });
  for (const msg of batch.messages)
    await deadLetter(
      env,
      batch.queue,
      msg,
      `no consumer for queue ${batch.queue}`,
      STANDARD_BACKOFF,
      log.with({ ...idsOf(msg.body), message_id: msg.id }),
    );
};
