/** How both SDK providers report a failed request: each HTTP and connection failure as an LLMError kind. */
import { describe, expect, it } from "vitest";
import { createGroqProvider } from "../../../workers/llm/groq.ts";
import { createOpenAIProvider } from "../../../workers/llm/openai.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import type { LLMProvider } from "../../../workers/llm/types.ts";
import {
  chatRequest,
  collect,
  errorResponse,
  fakeFetch,
  GROQ_KEY,
  OPENAI_KEY,
} from "./fixtures.ts";

type Make = (fetcher: typeof fetch, timeoutMs?: number) => LLMProvider;

const providers: Array<{ name: string; key: string; keyVariable: string; make: Make }> = [
  {
    name: "Groq",
    key: GROQ_KEY,
    keyVariable: "GROQ_API_KEY",
    make: (fetch, timeoutMs) => createGroqProvider({ apiKey: GROQ_KEY, fetch, timeoutMs }),
  },
  {
    name: "OpenAI",
    key: OPENAI_KEY,
    keyVariable: "OPENAI_API_KEY",
    make: (fetch, timeoutMs) => createOpenAIProvider({ apiKey: OPENAI_KEY, fetch, timeoutMs }),
  },
];

async function failure(provider: LLMProvider): Promise<LLMError> {
  const { error } = await collect(provider.stream(chatRequest()));
  if (!(error instanceof LLMError)) throw new Error(`expected an LLMError, got ${String(error)}`);
  return error;
}

describe.each(providers)("$name provider errors", ({ key, keyVariable, make }) => {
  const answering = (response: () => Response) => make(fakeFetch(response).fetch);

  it("reports 429 as rate_limited with the retry-after seconds in milliseconds", async () => {
    const error = await failure(
      answering(() =>
        errorResponse(429, "Rate limit reached for model on tokens per minute (TPM).", {
          "retry-after": "7",
        }),
      ),
    );
    expect(error).toMatchObject({
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 7000,
      retryable: true,
    });
    expect(error.message).toMatch(/rate limit.*7 s/i);
  });

  it("reads a retry-after given as an HTTP date", async () => {
    const when = new Date(Date.now() + 120_000).toUTCString();
    const error = await failure(
      answering(() => errorResponse(429, "Too many requests", { "retry-after": when })),
    );
    expect(error.kind).toBe("rate_limited");
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it("prefers retry-after-ms when the provider sends it", async () => {
    const error = await failure(
      answering(() =>
        errorResponse(429, "Too many requests", { "retry-after": "9", "retry-after-ms": "1250" }),
      ),
    );
    expect(error.retryAfterMs).toBe(1250);
  });

  it.each([500, 502, 503])("reports %i as a retryable server error", async (status) => {
    const error = await failure(
      answering(() =>
        errorResponse(status, "The server had an error while processing your request."),
      ),
    );
    expect(error).toMatchObject({ kind: "server", status, retryable: true });
  });

  it.each([401, 403])(
    "reports %i as auth, not retryable, naming the key variable but never the key",
    async (status) => {
      const error = await failure(
        answering(() => errorResponse(status, `Incorrect API key provided: ${key}.`)),
      );
      expect(error).toMatchObject({ kind: "auth", status, retryable: false });
      expect(error.message).toContain(keyVariable);
      expect(error.message).not.toContain(key);
    },
  );

  it.each([400, 404, 422])("reports %i as rejected with the provider's reason", async (status) => {
    const error = await failure(
      answering(() => errorResponse(status, "This model's maximum context length is 8192 tokens.")),
    );
    expect(error).toMatchObject({ kind: "rejected", status, retryable: false });
    expect(error.message).toContain("maximum context length");
  });

  it("strips the key from a rejection that quotes it", async () => {
    const error = await failure(
      answering(() => errorResponse(400, `Invalid header value Bearer ${key}`)),
    );
    expect(error.message).not.toContain(key);
    expect(error.message).toContain("[redacted]");
  });

  it("reports 408 as a timeout", async () => {
    const error = await failure(answering(() => errorResponse(408, "Request timed out")));
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
  });

  it("reports a connection that cannot be made as a network error", async () => {
    const error = await failure(
      make(fakeFetch(() => Promise.reject(new TypeError("Network connection lost."))).fetch),
    );
    expect(error).toMatchObject({ kind: "network", retryable: true });
  });

  it("reports no response headers within the timeout as a timeout", async () => {
    const never = (_: number, signal: AbortSignal | null) =>
      new Promise<Response>((_resolve, reject) =>
        signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    const error = await failure(make(fakeFetch(never).fetch, 1));
    expect(error).toMatchObject({ kind: "timeout", retryable: true });
  });
});
