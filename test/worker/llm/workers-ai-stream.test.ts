/**
 * The Workers AI provider streaming text through the binding: what it sends to `env.AI.run`,
 * the deltas and usage it reads from both stream shapes, and how a cut or failed stream ends.
 */
import { describe, expect, it } from "vitest";
import { LLMError } from "../../../workers/llm/types.ts";
import { createWorkersAiProvider } from "../../../workers/llm/workers-ai.ts";
import { chatRequest, collect } from "./fixtures.ts";
import {
  LLAMA,
  USAGE,
  fakeAi,
  nativeEvents,
  openAiChunk,
  sseStream,
} from "./workers-ai-fixtures.ts";

describe("the Workers AI provider streaming text", () => {
  it("sends the chat to env.AI.run with stream: true and yields the native stream's text and usage", async () => {
    const binding = fakeAi(() =>
      sseStream(nativeEvents(["Hello", "!", " How", " can", " I help?"])),
    );
    const provider = createWorkersAiProvider({ ai: binding.ai });
    const { received, text, error } = await collect(
      provider.stream(chatRequest({ model: LLAMA, max_tokens: 300, temperature: 0.2, top_p: 0.9 })),
    );
    expect(error).toBeUndefined();
    expect(provider.name).toBe("workers-ai");
    expect(text).toBe("Hello! How can I help?");
    expect(received.at(-1)).toEqual({ type: "usage", usage: USAGE });
    expect(binding.calls).toHaveLength(1);
    const [call] = binding.calls;
    expect(call?.model).toBe(LLAMA);
    expect(call?.inputs).toEqual({
      messages: [
        { role: "system", content: "You are Nooble's test agent." },
        { role: "user", content: "Say hello." },
      ],
      max_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
    });
    expect(call?.signal).toBeInstanceOf(AbortSignal);
  });

  it("reads the OpenAI chunk shape newer models stream, finish_reason and usage on the last chunk", async () => {
    const events = [
      openAiChunk({ role: "assistant", content: "" }),
      openAiChunk({ reasoning_content: "The user greets me." }),
      openAiChunk({ content: "Hi" }),
      openAiChunk({ content: " there" }),
      openAiChunk({}, "stop", USAGE),
    ];
    const provider = createWorkersAiProvider({ ai: fakeAi(() => sseStream(events)).ai });
    const { received, text, error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
    expect(error).toBeUndefined();
    // The model's reasoning is not part of the answer.
    expect(text).toBe("Hi there");
    expect(received.filter((e) => e.type === "usage")).toHaveLength(1);
  });

  it("fails as interrupted, keeping the text so far, when the stream closes without [DONE]", async () => {
    const provider = createWorkersAiProvider({
      ai: fakeAi(() => sseStream(nativeEvents(["Half", " an"]).slice(0, 2), "close")).ai,
    });
    const { text, error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
    expect(text).toBe("Half an");
    expect(error).toBeInstanceOf(LLMError);
    expect(error).toMatchObject({ kind: "interrupted" });
    expect((error as LLMError).retryable).toBe(true);
  });

  it("fails as interrupted when the stream errors or carries an error event", async () => {
    const errored = createWorkersAiProvider({
      ai: fakeAi(() => sseStream(nativeEvents(["One"]).slice(0, 1), "error")).ai,
    });
    expect((await collect(errored.stream(chatRequest({ model: LLAMA })))).error).toMatchObject({
      kind: "interrupted",
    });
    const withError = createWorkersAiProvider({
      ai: fakeAi(() =>
        sseStream([{ response: "A" }, { error: "InferenceUpstreamError: 3040: out of capacity" }]),
      ).ai,
    });
    const { error } = await collect(withError.stream(chatRequest({ model: LLAMA })));
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String((error as Error).message)).toContain("out of capacity");
  });

  it("reads the whole answer of a model that did not stream", async () => {
    const provider = createWorkersAiProvider({
      ai: fakeAi(() => ({ response: "Whole answer.", tool_calls: [], usage: USAGE })).ai,
    });
    const { received, error } = await collect(provider.stream(chatRequest({ model: LLAMA })));
    expect(error).toBeUndefined();
    expect(received).toEqual([
      { type: "delta", text: "Whole answer." },
      { type: "usage", usage: USAGE },
    ]);
  });

  it("stops as cancelled when the caller aborts while the stream is open", async () => {
    const controller = new AbortController();
    const provider = createWorkersAiProvider({
      ai: fakeAi(() => sseStream(nativeEvents(["a", "b", "c", "d"]))).ai,
    });
    const received: string[] = [];
    let failure: unknown;
    try {
      for await (const event of provider.stream(
        chatRequest({ model: LLAMA, signal: controller.signal }),
      )) {
        if (event.type === "delta") received.push(event.text);
        controller.abort();
      }
    } catch (err) {
      failure = err;
    }
    expect(received).toEqual(["a"]);
    expect(failure).toMatchObject({
      kind: "interrupted",
      message: expect.stringContaining("cancelled"),
    });
  });
});
