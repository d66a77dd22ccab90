/**
 * The one way a producer puts a DomainAction on a queue: the queue comes from shared/actions.ts
 * (ACTIONS), and the payload is checked against that table's schema before it leaves, so a
 * producer's mistake fails where it is made instead of as a dead letter later.
 */
import { ACTIONS, isActionType } from "../shared/actions.ts";
import type { DomainAction, QueueService } from "../shared/actions.ts";
import type { WorkerEnv } from "./env.ts";

/** The binding of each service's queue (wrangler.toml). */
const BINDINGS = {
  conversation: "CONVERSATION_QUEUE",
  ingestion: "INGESTION_QUEUE",
  embedding: "EMBEDDING_QUEUE",
} as const satisfies Record<QueueService, keyof WorkerEnv>;

export type QueueBindings = Pick<WorkerEnv, (typeof BINDINGS)[QueueService]>;

/** A queue accepts at most 100 messages per sendBatch. */
const MAX_BATCH_MESSAGES = 100;

/** An action no queue may carry (unknown type, or a payload its schema refuses): never retry it. */
export class InvalidAction extends Error {}

function queueOf(env: QueueBindings, action: DomainAction): Queue {
  if (!isActionType(action.action_type))
    throw new InvalidAction(`no queue carries action type "${action.action_type}"`);
  const spec = ACTIONS[action.action_type];
  const data = spec.data.safeParse(action.data);
  if (!data.success)
    throw new InvalidAction(
      `${action.action_type} payload does not match its schema: ${data.error.issues
        .map((i) => `${i.path.join(".")}: ${i.message}`)
        .join("; ")}`,
    );
  return env[BINDINGS[spec.queue]];
}

/** Queues one action on the queue its type names. */
export async function sendAction(
  env: QueueBindings,
  action: DomainAction,
  options?: QueueSendOptions,
): Promise<void> {
  await queueOf(env, action).send(action, options);
}

/** Queues several actions, in batches of at most 100 per queue (fewer requests than one send each). */
export async function sendActions(env: QueueBindings, actions: DomainAction[]): Promise<void> {
  const byQueue = new Map<Queue, MessageSendRequest[]>();
  for (const action of actions) {
    const queue = queueOf(env, action);
    const list = byQueue.get(queue) ?? [];
    list.push({ body: action });
    byQueue.set(queue, list);
  }
  for (const [queue, messages] of byQueue)
    for (let i = 0; i < messages.length; i += MAX_BATCH_MESSAGES)
      await queue.sendBatch(messages.slice(i, i + MAX_BATCH_MESSAGES));
}
