/**
 * Workers AI failures classified like the other providers' (LLMError kinds), from what the
 * binding throws: Workers AI's documented codes in the message ("3040: …"), an error with an
 * HTTP `status`, a transport failure, a binding that never answers, a caller who gives up.
 */
import { describe, expect, it } from "vitest";
import { withRetries } from "../../../workers/llm/retry.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import { createWorkersAiProvider } from "../../../workers/llm/workers-ai.ts";
import { bindingError, untilUtcMidnight } from "../../../workers/llm/workers-ai-errors.ts";
import { chatRequest, collect } from "./fixtures.ts";
import { LLAMA, fakeAi, nativeEvents, sseStream } from "./workers-ai-fixtures.ts";

/** The first attempt's failure, as the chat turn would see it. */
async function failureOf(thrown: unknown) {
  const provider = createWorkersAiProvider({
    ai: fakeAi(() => Promise.reject(thrown)).ai,
  });
  const { error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
  expect(error).toBeInstanceOf(LLMError);
  return error as LLMError;
}

const noWait = { sleep: async () => {}, random: () => 0 };

describe("Workers AI errors", () => {
  it("classifies out of capacity (3040) and a thrown status 429 as rate_limited, which is retried", async () => {
    const capacity = await failureOf(
      new Error("InferenceUpstreamError: 3040: Capacity temporarily exceeded, please try again."),
    );
    expect(capacity).toMatchObject({ kind: "rate_limited", status: 429 });
    expect(capacity.retryable).toBe(true);
    const status = await failureOf(Object.assign(new Error("Too Many Requests"), { status: 429 }));
    expect(status).toMatchObject({ kind: "rate_limited", status: 429 });

    let attempts = 0;
    const binding = fakeAi((call) => {
      attempts = call;
      return call === 1
        ? Promise.reject(new Error("3040: Capacity temporarily exceeded, please try again."))
        : sseStream(nativeEvents(["Back."]));
    });
    const provider = createWorkersAiProvider({ ai: binding.ai });
    const text = await withRetries(async () => {
      const { text: t, error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
      if (error) throw error;
      return t;
    }, noWait);
    expect(text).toBe("Back.");
    expect(attempts).toBe(2);
  });

  it("does not retry a used-up daily allocation (3036) and says when it resets", async () => {
    const now = Date.UTC(2026, 11, 3, 20, 0, 0);
    const error = bindingError(
      new Error("3036: You have used up your daily free allocation of 10,000 neurons."),
      LLAMA,
      now,
    );
    expect(error).toMatchObject({ kind: "rate_limited", retryAfterMs: 4 * 3_600_000 });
    expect(error.message).toContain("00:00 UTC");
    expect(untilUtcMidnight(Date.UTC(2026, 11, 3, 23, 59, 0))).toBe(60_000);
    let attempts = 0;
    await expect(
      withRetries(() => {
        attempts++;
        return Promise.reject(error);
      }, noWait),
    ).rejects.toBe(error);
    expect(attempts).toBe(1);
  });

  it("classifies an unknown model and a refused account as not worth retrying", async () => {
    const unknown = await failureOf(new Error("5007: No such model @cf/meta/llama-9 or task"));
    expect(unknown).toMatchObject({ kind: "rejected", status: 400 });
    expect(unknown.message).toContain("No such model");
    expect(unknown.retryable).toBe(false);
    const agreement = await failureOf(
      Object.assign(new Error("User has not agreed to Llama3.2 model terms"), { code: 5016 }),
    );
    expect(agreement).toMatchObject({ kind: "auth", status: 403 });
    expect(agreement.retryable).toBe(false);
  });

  it("classifies Workers AI's own timeout, a server error and a lost connection as retryable", async () => {
    expect(await failureOf(new Error("3007: Request timeout"))).toMatchObject({ kind: "timeout" });
    expect(await failureOf(Object.assign(new Error("Internal"), { status: 502 }))).toMatchObject({
      kind: "server",
    });
    const lost = await failureOf(new TypeError("Network connection lost."));
    expect(lost).toMatchObject({ kind: "network" });
    expect(lost.retryable).toBe(true);
  });

  it("times out a binding that never starts answering, and aborts the call it made", async () => {
    const binding = fakeAi(
      (_, sent) =>
        new Promise((_resolve, reject) =>
          sent.signal?.addEventListener("abort", () =>
            reject(new DOMException("aborted", "AbortError")),
          ),
        ),
    );
    const provider = createWorkersAiProvider({ ai: binding.ai, timeoutMs: 1 });
    const { error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
    expect(error).toMatchObject({ kind: "timeout" });
    expect(binding.calls[0]?.signal?.aborted).toBe(true);
  });

  it("ends as cancelled, not as a failure to retry blindly, when the caller aborts the call", async () => {
    const controller = new AbortController();
    const binding = fakeAi(() => {
      controller.abort();
      return new Promise(() => {});
    });
    const provider = createWorkersAiProvider({ ai: binding.ai });
    const { error } = await collect(
      provider.stream(chatRequest({ model: LLAMA, signal: controller.signal })),
    );
    expect(error).toMatchObject({
      kind: "interrupted",
      message: expect.stringContaining("cancelled"),
    });
  });
});
