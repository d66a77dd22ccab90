/**
 * What becomes of a message that fails: retried after a delay that grows with each attempt,
 * or, when no retry can help, sent to the dead-letter queue with the reason, so nothing is
 * dropped silently and nothing is retried forever.
 */
import type { WorkerEnv } from "../env.ts";

export interface DeadLetter {
  queue: string;
  reason: string;
  body: unknown;
  failed_at: string;
}

export async function sendToDeadLetter(
  env: Pick<WorkerEnv, "DEAD_LETTER_QUEUE">,
  queue: string,
  reason: string,
  body: unknown,
): Promise<void> {
  const letter: DeadLetter = { queue, reason, body, failed_at: new Date().toISOString() };
  await env.DEAD_LETTER_QUEUE.send(letter);
}

/** Exponential backoff: `firstSeconds` after the first attempt, doubling, at most `maxSeconds`. */
export interface Backoff {
  firstSeconds: number;
  maxSeconds: number;
}

/** 2, 4, 8 ... seconds, at most 5 minutes: for work someone is waiting on (an upload's stages). */
export const STANDARD_BACKOFF: Backoff = { firstSeconds: 2, maxSeconds: 300 };

/** The delay before a message's next delivery, after `attempts` deliveries (the one policy). */
export function retryDelaySeconds(attempts: number, backoff: Backoff = STANDARD_BACKOFF): number {
  return Math.min(backoff.maxSeconds, backoff.firstSeconds * 2 ** Math.max(0, attempts - 1));
}
