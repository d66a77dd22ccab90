/** The Groq provider on the wire: what groq-sdk sends and how Groq's SSE stream is read. */
import { describe, expect, it } from "vitest";
import { createGroqProvider } from "../../../workers/llm/groq.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import { chatRequest, collect, fakeFetch, GROQ_KEY, groqEvents, sseResponse } from "./fixtures.ts";

const WORDS = ["Hello", " there", ", visitor", "!"];

describe("Groq provider streaming", () => {
  it("posts a streaming chat completion to Groq's /openai/v1/chat/completions with the key and the settings", async () => {
    const wire = fakeFetch(() => sseResponse(groqEvents(WORDS)));
    await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(wire.sent).toHaveLength(1);
    const [sent] = wire.sent;
    expect(sent?.method).toBe("POST");
    expect(sent?.url.origin).toBe("https://api.groq.com");
    expect(sent?.url.pathname).toBe("/openai/v1/chat/completions");
    expect(sent?.headers.get("authorization")).toBe(`Bearer ${GROQ_KEY}`);
    expect(sent?.body).toMatchObject({
      model: "llama-3.3-70b-versatile",
      stream: true,
      temperature: 0.3,
      max_tokens: 256,
      top_p: 1,
      messages: chatRequest().messages,
    });
  });

  it("yields each non-empty content delta in order, then the usage from x_groq", async () => {
    const wire = fakeFetch(() => sseResponse(groqEvents(WORDS)));
    const { received, error } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(error).toBeUndefined();
    expect(received).toEqual([
      ...WORDS.map((text) => ({ type: "delta", text })),
      { type: "usage", usage: { prompt_tokens: 42, completion_tokens: 4, total_tokens: 46 } },
    ]);
  });

  it("also accepts the usage in a top-level usage field", async () => {
    const events = groqEvents(["Hi"]).map((e, i, all) =>
      i === all.length - 1
        ? {
            ...e,
            x_groq: { id: "req_1" },
            usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
          }
        : e,
    );
    const wire = fakeFetch(() => sseResponse(events));
    const { received } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(received.at(-1)).toEqual({
      type: "usage",
      usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
    });
  });

  it("reports a body that closes before the finish_reason as interrupted, after the deltas it already yielded", async () => {
    const wire = fakeFetch(() => sseResponse(groqEvents(WORDS, { finish: false }), "close"));
    const { text, received, error } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(text).toBe(WORDS.join(""));
    expect(received.some((e) => e.type === "usage")).toBe(false);
    expect(error).toBeInstanceOf(LLMError);
    expect(error).toMatchObject({ kind: "interrupted", retryable: true });
  });

  it("reports an error thrown by the body stream as interrupted, after the deltas it already yielded", async () => {
    const wire = fakeFetch(() =>
      sseResponse(groqEvents(WORDS.slice(0, 2), { finish: false }), "error"),
    );
    const { text, error } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(text).toBe("Hello there");
    expect(error).toMatchObject({ kind: "interrupted" });
  });

  it("reports an error event sent mid-stream as interrupted with Groq's reason", async () => {
    const failure = {
      error: { message: "Service Unavailable: model overloaded", type: "internal_server_error" },
    };
    const wire = fakeFetch(() => sseResponse([...groqEvents(["Hel"], { finish: false }), failure]));
    const { text, error } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(text).toBe("Hel");
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String(error)).toContain("model overloaded");
  });

  it("reports a stream Groq stopped early through x_groq.error as interrupted", async () => {
    const stopped = {
      ...groqEvents([])[0],
      choices: [],
      x_groq: { id: "req_2", error: "stream stopped: upstream reset" },
    };
    const wire = fakeFetch(() => sseResponse([...groqEvents(["Hi"], { finish: false }), stopped]));
    const { text, error } = await collect(
      createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(chatRequest()),
    );

    expect(text).toBe("Hi");
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String(error)).toContain("upstream reset");
  });
});
