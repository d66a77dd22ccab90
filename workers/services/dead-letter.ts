/**
 * Poison messages go to the dead-letter queue with the reason they could not be processed, so
 * nothing is dropped silently and nothing is retried forever.
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

/** Backoff for retried messages: 2, 4, 8 ... seconds, at most 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));
