/**
 * Turns the failures of the two Stainless-generated SDKs (groq-sdk, openai) into LLMError.
 * Both SDKs share one error hierarchy, so one mapping serves both; each provider passes its
 * own classes. Messages are written for the person reading the chat error or the log, and
 * never carry the API key (OpenAI echoes part of a wrong key in its 401 message).
 */
import { z } from "zod";
import { LLMError } from "./types.ts";

type ErrorClass<T> = abstract new (...args: never[]) => T;

/** The error classes a Stainless SDK exports as statics (`Groq.APIError`, `OpenAI.APIError`, ...). */
export interface SdkErrorClasses {
  APIError: ErrorClass<
    Error & { status: number | undefined; headers: Headers | undefined; error: unknown }
  >;
  APIConnectionError: ErrorClass<Error>;
  APIConnectionTimeoutError: ErrorClass<Error>;
  APIUserAbortError: ErrorClass<Error>;
}

/** Who failed, for messages: "Groq" and the environment variable holding its key. */
export interface ProviderIdentity {
  label: string;
  keyVariable: string;
  apiKey: string;
}

// Groq's error body lands whole in `error` ({error: {message}}); OpenAI's is already unwrapped.
const ErrorDetailSchema = z.union([
  z.object({ message: z.string() }),
  z.object({ error: z.object({ message: z.string() }) }).transform((b) => b.error),
]);

const MAX_DETAIL_CHARS = 300;

/** Removes the key itself and anything shaped like a provider key, then shortens. */
export function redact(text: string, apiKey: string): string {
  const withoutKey = apiKey ? text.split(apiKey).join("[redacted]") : text;
  const cleaned = withoutKey.replace(/\b(?:sk|gsk)[-_][\w*.-]{6,}/g, "[redacted]");
  return cleaned.length > MAX_DETAIL_CHARS ? `${cleaned.slice(0, MAX_DETAIL_CHARS)}…` : cleaned;
}

function providerDetail(body: unknown, who: ProviderIdentity): string | undefined {
  const parsed = ErrorDetailSchema.safeParse(body);
  return parsed.success ? redact(parsed.data.message, who.apiKey) : undefined;
}

/**
 * How long the provider asked us to wait: `retry-after-ms` (OpenAI's extension), else
 * `retry-after` as seconds or an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies an HTTP error status from the provider. */
export function httpError(
  who: ProviderIdentity,
  status: number,
  headers: Headers | undefined,
  body: unknown,
): LLMError {
  const detail = providerDetail(body, who);
  const wait = retryAfterMs(headers);
  if (status === 429) {
    const when = wait === undefined ? "shortly" : `in ${Math.ceil(wait / 1000)} s`;
    return new LLMError(
      "rate_limited",
      `${who.label} is rate limiting requests; try again ${when}.`,
      { status, retryAfterMs: wait },
    );
  }
  if (status === 401 || status === 403) {
    return new LLMError(
      "auth",
      `${who.label} refused the API key (${status}); check ${who.keyVariable}.`,
      { status },
    );
  }
  if (status === 408)
    return new LLMError("timeout", `${who.label} timed out answering (408).`, {
      status,
      retryAfterMs: wait,
    });
  // 409 is how these APIs report a lock timeout; the SDKs retry it, so do we.
  if (status >= 500 || status === 409) {
    return new LLMError("server", `${who.label} had a server error (${status}); try again later.`, {
      status,
      retryAfterMs: wait,
    });
  }
  const because = detail ? `: ${detail}` : ".";
  return new LLMError("rejected", `${who.label} rejected the request (${status})${because}`, {
    status,
  });
}

/** Maps a failure of the request itself (before any chunk arrived) to LLMError. */
export function requestError(err: unknown, sdk: SdkErrorClasses, who: ProviderIdentity): LLMError {
  if (err instanceof LLMError) return err;
  if (err instanceof sdk.APIUserAbortError) return cancelledError();
  if (err instanceof sdk.APIConnectionTimeoutError)
    return new LLMError("timeout", `${who.label} did not answer in time.`);
  if (err instanceof sdk.APIConnectionError)
    return new LLMError("network", `Could not reach ${who.label}; the connection failed.`);
  if (err instanceof sdk.APIError && err.status !== undefined)
    return httpError(who, err.status, err.headers, err.error);
  return new LLMError("network", `The request to ${who.label} failed before it started streaming.`);
}

/**
 * Maps a failure while reading the stream. Whatever the cause (the body errored, the provider
 * sent an error event, a chunk was not JSON), the answer stopped part-way and a new attempt
 * may succeed, so it is `interrupted`.
 */
export function streamError(err: unknown, sdk: SdkErrorClasses, who: ProviderIdentity): LLMError {
  if (err instanceof LLMError) return err;
  if (err instanceof sdk.APIUserAbortError) return cancelledError();
  const detail = err instanceof sdk.APIError ? providerDetail(err.error, who) : undefined;
  return interruptedError(who, detail);
}

export function interruptedError(who: ProviderIdentity, detail?: string): LLMError {
  const because = detail ? `: ${redact(detail, who.apiKey)}` : ".";
  return new LLMError(
    "interrupted",
    `The answer from ${who.label} stopped before it finished${because}`,
  );
}

export function cancelledError(): LLMError {
  return new LLMError("interrupted", "The answer was cancelled before it finished.");
}
