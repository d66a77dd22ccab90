/**
 * Turns what the Workers AI binding throws into LLMError. The binding throws plain errors
 * whose message carries Workers AI's internal code ("3040: Capacity temporarily exceeded")
 * and no HTTP status; the documented table (developers.cloudflare.com/workers-ai/platform/
 * errors) gives each code its status, which then classifies like the other providers' HTTP
 * errors. An error that carries a `status` (the REST shape, or a wrapper) is read directly.
 */
import { cancelledError, redact } from "./errors.ts";
import { LLMError } from "./types.ts";

/** Workers AI internal error code -> HTTP status, from the documented table. */
export const WORKERS_AI_CODE_STATUS: Readonly<Record<number, number>> = {
  5007: 400, // No such model
  5004: 400, // Invalid data
  3039: 400, // Finetune missing required files
  3003: 400, // Incomplete request
  5018: 403, // Account not allowed for private model
  5016: 403, // Model agreement not accepted
  3023: 403, // Account blocked
  3041: 403, // Account not allowed for private model
  5019: 405, // Deprecated SDK version
  5005: 405, // LoRA unsupported
  3042: 404, // Invalid model ID
  3006: 413, // Request too large
  3007: 408, // Timeout
  3008: 408, // Aborted
  3036: 429, // Account limited: the daily free allocation is used up
  3040: 429, // Out of capacity
};

/** The daily free allocation (code 3036) resets at 00:00 UTC. */
const DAILY_LIMIT = 3036;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function messageOf(err: unknown): string {
  if (typeof err === "string") return err;
  if (isRecord(err) && typeof err.message === "string") return err.message;
  return "";
}

/** The documented code in an error: its `code` property, else the first "NNNN:" in its message. */
export function workersAiCode(err: unknown): number | undefined {
  const known = (n: number) => (n in WORKERS_AI_CODE_STATUS ? n : undefined);
  if (isRecord(err) && (typeof err.code === "number" || typeof err.code === "string")) {
    const code = known(Number(err.code));
    if (code !== undefined) return code;
  }
  for (const match of messageOf(err).matchAll(/\b(\d{4})\s*:/g)) {
    const code = known(Number(match[1]));
    if (code !== undefined) return code;
  }
  return undefined;
}

function statusOf(err: unknown, code: number | undefined): number | undefined {
  if (code !== undefined) return WORKERS_AI_CODE_STATUS[code];
  if (isRecord(err) && typeof err.status === "number") return err.status;
  return undefined;
}

const isAbort = (err: unknown) =>
  isRecord(err) && (err.name === "AbortError" || err.name === "ResponseAborted");

/** Milliseconds until the next 00:00 UTC, when Workers AI's daily free allocation resets. */
export function untilUtcMidnight(now: number): number {
  const day = 86_400_000;
  return day - (now % day);
}

/**
 * Classifies a failure of `env.AI.run` (before any chunk was read). `now` places the daily
 * allocation's reset; it is injected so tests do not depend on the clock.
 */
export function bindingError(err: unknown, model: string, now = Date.now()): LLMError {
  if (err instanceof LLMError) return err;
  if (isAbort(err)) return cancelledError();
  const code = workersAiCode(err);
  const status = statusOf(err, code);
  const detail = redact(messageOf(err), "");
  const because = detail ? `: ${detail}` : ".";
  if (code === DAILY_LIMIT) {
    // Retrying today is pointless: the wait asked for (until the reset) is past any retry's patience.
    return new LLMError(
      "rate_limited",
      "Workers AI's daily free allocation is used up; it resets at 00:00 UTC (or move the account to Workers Paid).",
      { status, retryAfterMs: untilUtcMidnight(now) },
    );
  }
  if (status === 429)
    return new LLMError("rate_limited", "Workers AI is out of capacity; try again shortly.", {
      status,
    });
  if (status === 401 || status === 403)
    return new LLMError(
      "auth",
      `Workers AI refused this account for ${model} (${status})${because} Check the account's access to the model.`,
      { status },
    );
  if (status === 408) return new LLMError("timeout", "Workers AI timed out answering.", { status });
  if (status !== undefined && (status >= 500 || status === 409))
    return new LLMError("server", `Workers AI had a server error (${status}); try again later.`, {
      status,
    });
  if (status !== undefined)
    return new LLMError(
      "rejected",
      `Workers AI rejected the request for ${model} (${status})${because}`,
      {
        status,
      },
    );
  // No code and no status: the binding's own transport failed ("Network connection lost."),
  // unless it said a retry cannot help.
  if (isRecord(err) && err.retryable === false)
    return new LLMError("rejected", `Workers AI rejected the request for ${model}${because}`);
  return new LLMError(
    "network",
    `The request to Workers AI failed before it started streaming${because}`,
  );
}
