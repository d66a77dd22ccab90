/** The OpenAI-compatible provider on the wire: what the openai SDK sends and how the stream is read. */
import { describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../../workers/llm/openai.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import {
  chatRequest,
  collect,
  fakeFetch,
  OPENAI_KEY,
  openaiEvents,
  sseResponse,
} from "./fixtures.ts";

const WORDS = ["The", " answer", " is", " 42."];
const request = chatRequest({ model: "gpt-4o-mini" });

describe("OpenAI-compatible provider streaming", () => {
  it("posts a streaming chat completion asking for usage to OpenAI's /v1/chat/completions with the key", async () => {
    const wire = fakeFetch(() => sseResponse(openaiEvents(WORDS)));
    await collect(createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request));

    expect(wire.sent).toHaveLength(1);
    const [sent] = wire.sent;
    expect(sent?.method).toBe("POST");
    expect(sent?.url.href).toBe("https://api.openai.com/v1/chat/completions");
    expect(sent?.headers.get("authorization")).toBe(`Bearer ${OPENAI_KEY}`);
    expect(sent?.body).toMatchObject({
      model: "gpt-4o-mini",
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.3,
      max_tokens: 256,
      top_p: 1,
    });
  });

  it("sends the request to OPENAI_BASE_URL when one is configured", async () => {
    const wire = fakeFetch(() => sseResponse(openaiEvents(WORDS)));
    const provider = createOpenAIProvider({
      apiKey: OPENAI_KEY,
      baseURL: "http://ollama.internal:11434/v1",
      fetch: wire.fetch,
    });
    await collect(provider.stream(chatRequest({ model: "llama3.2" })));

    expect(wire.sent[0]?.url.href).toBe("http://ollama.internal:11434/v1/chat/completions");
    expect(wire.sent[0]?.body).toMatchObject({ model: "llama3.2", stream: true });
  });

  it("yields each content delta in order, then the usage from the final chunk without choices", async () => {
    const wire = fakeFetch(() => sseResponse(openaiEvents(WORDS)));
    const { received, error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request),
    );

    expect(error).toBeUndefined();
    expect(received).toEqual([
      ...WORDS.map((text) => ({ type: "delta", text })),
      { type: "usage", usage: { prompt_tokens: 42, completion_tokens: 4, total_tokens: 46 } },
    ]);
  });

  it("finishes without a usage event when a compatible server sends no usage", async () => {
    const wire = fakeFetch(() => sseResponse(openaiEvents(WORDS, { usage: false })));
    const { received, error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request),
    );

    expect(error).toBeUndefined();
    expect(received.map((e) => e.type)).toEqual(["delta", "delta", "delta", "delta"]);
  });

  it("reports a body that closes without a finish_reason or [DONE] as interrupted, after the deltas it already yielded", async () => {
    const wire = fakeFetch(() =>
      sseResponse(openaiEvents(WORDS.slice(0, 3), { finish: false }), "close"),
    );
    const { text, received, error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request),
    );

    expect(text).toBe("The answer is");
    expect(received.some((e) => e.type === "usage")).toBe(false);
    expect(error).toBeInstanceOf(LLMError);
    expect(error).toMatchObject({ kind: "interrupted", retryable: true });
  });

  it("reports an error thrown by the body stream as interrupted, after the deltas it already yielded", async () => {
    const wire = fakeFetch(() =>
      sseResponse(openaiEvents(WORDS.slice(0, 2), { finish: false }), "error"),
    );
    const { text, error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request),
    );

    expect(text).toBe("The answer");
    expect(error).toMatchObject({ kind: "interrupted" });
  });

  it("reports the request's own abort signal firing mid-stream as a cancelled, interrupted answer", async () => {
    const controller = new AbortController();
    const wire = fakeFetch(() => sseResponse(openaiEvents(WORDS)));
    const received: string[] = [];
    let failure: unknown;
    try {
      for await (const event of createOpenAIProvider({
        apiKey: OPENAI_KEY,
        fetch: wire.fetch,
      }).stream({ ...request, signal: controller.signal })) {
        if (event.type === "delta") received.push(event.text);
        if (received.length === 2) controller.abort();
      }
    } catch (err) {
      failure = err;
    }

    expect(received).toEqual(["The", " answer"]);
    expect(failure).toMatchObject({ kind: "interrupted" });
    expect(String(failure)).toContain("cancelled");
  });
});
