/**
 * Retrying provider calls: only failures a new attempt can fix (LLMError.retryable), after
 * the wait the provider asked for or an exponential backoff with jitter.
 */
import { LLMError } from "./types.ts";

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts?: number;
  /** The first backoff; each later one doubles, up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The longest `retry-after` worth waiting for. A provider asking for more is out of quota
   * for a while; failing at once lets the visitor know instead of holding the turn open.
   */
  maxRetryAfterMs?: number;
  /** Injected by tests so no test waits. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for jitter; injected by tests that check the delays asked for. */
  random?: () => number;
}

export const RETRY_DEFAULTS = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 30_000,
} as const;

/** True for an LLMError a new attempt may fix (rate limits, 5xx, timeouts, network, cut streams). */
export function isRetryable(err: unknown): err is LLMError {
  return err instanceof LLMError && err.retryable;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` (with the attempt number, from 1) until it succeeds, a failure is not retryable,
 * the attempts run out, or the provider asks to wait longer than maxRetryAfterMs; then throws
 * the last error unchanged. A provider's `retry-after` is waited in full (retrying sooner would
 * only be refused again); without one the wait is an "equal jitter" backoff: half the
 * exponential step plus a random part of the other half, so parallel sessions spread out.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const { maxAttempts, baseDelayMs, maxDelayMs, maxRetryAfterMs } = {
    ...RETRY_DEFAULTS,
    ...options,
  };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= maxAttempts) throw err;
      const asked = err.retryAfterMs;
      if (asked !== undefined && asked > maxRetryAfterMs) throw err;
      const step = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      await sleep(asked ?? step / 2 + random() * (step / 2));
    }
  }
}
