/** withRetries: which provider failures get another attempt, and how long it waits first. */
import { describe, expect, it } from "vitest";
import { createGroqProvider } from "../../../workers/llm/groq.ts";
import { isRetryable, withRetries } from "../../../workers/llm/retry.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import type { LLMErrorKind } from "../../../workers/llm/types.ts";
import {
  chatRequest,
  collect,
  errorResponse,
  fakeFetch,
  GROQ_KEY,
  groqEvents,
  sseResponse,
} from "./fixtures.ts";

/** A sleep that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** A call failing with `failures` in turn, then answering "ok". */
function failingWith(...failures: Error[]) {
  let calls = 0;
  const fn = async () => {
    const failure = failures[calls++];
    if (failure) throw failure;
    return "ok";
  };
  return { fn, calls: () => calls };
}

describe("withRetries", () => {
  it("waits the retry-after a 429 asked for, then returns the next attempt's result", async () => {
    const { waits, sleep } = recordingSleep();
    const call = failingWith(
      new LLMError("rate_limited", "slow down", { status: 429, retryAfterMs: 1500 }),
    );
    await expect(withRetries(call.fn, { sleep })).resolves.toBe("ok");
    expect(call.calls()).toBe(2);
    expect(waits).toEqual([1500]);
  });

  it("backs off exponentially up to maxDelayMs when the provider gave no retry-after", async () => {
    const { waits, sleep } = recordingSleep();
    const call = failingWith(...[1, 2, 3].map(() => new LLMError("server", "500")));
    await withRetries(call.fn, {
      sleep,
      maxAttempts: 4,
      baseDelayMs: 500,
      maxDelayMs: 800,
      random: () => 0.5,
    });
    expect(waits).toEqual([375, 600, 600]);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const { waits, sleep } = recordingSleep();
    const errors = [1, 2, 3, 4].map((n) => new LLMError("interrupted", `attempt ${n} was cut`));
    const call = failingWith(...errors);
    await expect(withRetries(call.fn, { sleep, maxAttempts: 3 })).rejects.toBe(errors[2]);
    expect(call.calls()).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it.each<LLMErrorKind>(["auth", "rejected"])("never retries a %s error", async (kind) => {
    const { waits, sleep } = recordingSleep();
    const error = new LLMError(kind, "no");
    const call = failingWith(error);
    await expect(withRetries(call.fn, { sleep })).rejects.toBe(error);
    expect(call.calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it("fails at once when retry-after is beyond the longest wait worth making", async () => {
    const { waits, sleep } = recordingSleep();
    const error = new LLMError("rate_limited", "quota", { status: 429, retryAfterMs: 3_600_000 });
    const call = failingWith(error);
    await expect(withRetries(call.fn, { sleep, maxRetryAfterMs: 30_000 })).rejects.toBe(error);
    expect(call.calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it("does not retry errors that are not LLMErrors", async () => {
    const call = failingWith(new TypeError("a bug"));
    await expect(withRetries(call.fn, { sleep: async () => {} })).rejects.toThrow("a bug");
    expect(call.calls()).toBe(1);
  });

  it("treats only provider failures a new attempt can fix as retryable", () => {
    const kinds: LLMErrorKind[] = [
      "rate_limited",
      "server",
      "timeout",
      "network",
      "interrupted",
      "rejected",
      "auth",
    ];
    expect(kinds.map((k) => isRetryable(new LLMError(k, k)))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect(isRetryable(new Error("plain"))).toBe(false);
  });

  it("streams Groq's answer on the second attempt after a 429 with retry-after", async () => {
    const { waits, sleep } = recordingSleep();
    const wire = fakeFetch((call) =>
      call === 1
        ? errorResponse(429, "Rate limit reached", { "retry-after": "2" })
        : sseResponse(groqEvents(["Hi", "!"])),
    );
    const provider = createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch });
    const answer = await withRetries(
      async () => {
        const { text, error } = await collect(provider.stream(chatRequest()));
        if (error) throw error;
        return text;
      },
      { sleep },
    );
    expect(answer).toBe("Hi!");
    expect(wire.sent).toHaveLength(2);
    expect(waits).toEqual([2000]);
  });
});
