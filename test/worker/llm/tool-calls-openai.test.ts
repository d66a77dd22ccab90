/** The OpenAI-compatible provider reading tool calls streamed in pieces, through the openai SDK. */
import { describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../../workers/llm/openai.ts";
import { LLMError } from "../../../workers/llm/types.ts";
import type { StreamEvent } from "../../../workers/llm/types.ts";
import { chatRequest, collect, fakeFetch, OPENAI_KEY, sseResponse } from "./fixtures.ts";
import type { Chunk } from "./fixtures.ts";
import { openaiToolCallEvents, TOOL_SPECS } from "./tool-call-fixtures.ts";

const request = chatRequest({ model: "gpt-4o-mini", tools: TOOL_SPECS });

async function streamOf(events: Chunk[], end: "done" | "close" = "done") {
  const wire = fakeFetch(() => sseResponse(events, end));
  return collect(createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: wire.fetch }).stream(request));
}

const call = (id: string, name: string, args: string): StreamEvent => ({
  type: "tool_call",
  call: { id, name, arguments: args },
});

describe("OpenAI-compatible provider tool calls", () => {
  it("yields one whole tool call, then the usage, for a call streamed in pieces", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents([
        { id: "call_Q1x", name: "knowledge_search", pieces: ['{"qu', 'ery":"refund', ' policy"}'] },
      ]),
    );

    expect(error).toBeUndefined();
    expect(received).toEqual([
      call("call_Q1x", "knowledge_search", '{"query":"refund policy"}'),
      { type: "usage", usage: { prompt_tokens: 180, completion_tokens: 13, total_tokens: 193 } },
    ]);
  });

  it("assembles two parallel calls whose pieces interleave, and yields them in index order", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents(
        [
          { id: "call_A", name: "knowledge_search", pieces: ['{"query":', '"opening', ' hours"}'] },
          { id: "call_B", name: "calculator", pieces: ['{"expr', 'ession":"', "12*4", '"}'] },
        ],
        { order: "interleaved" },
      ),
    );

    expect(error).toBeUndefined();
    expect(received.filter((e) => e.type === "tool_call")).toEqual([
      call("call_A", "knowledge_search", '{"query":"opening hours"}'),
      call("call_B", "calculator", '{"expression":"12*4"}'),
    ]);
  });

  it("joins arguments cut into one-character pieces, including inside a \\u escape", async () => {
    const args = '{"query":"caf\\u00e9 ouvert à 9h"}';
    const { received, error } = await streamOf(
      openaiToolCallEvents([{ id: "call_u", name: "knowledge_search", pieces: [...args] }]),
    );

    expect(error).toBeUndefined();
    expect(received[0]).toEqual(call("call_u", "knowledge_search", args));
    expect(JSON.parse(args)).toEqual({ query: "café ouvert à 9h" });
  });

  it("streams the text the model says before calling as deltas, then yields the call", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents(
        [{ id: "call_c", name: "calculator", pieces: ['{"expression":"2+2"}'] }],
        { content: ["Let me", " work that out."] },
      ),
    );

    expect(error).toBeUndefined();
    expect(received.map((e) => e.type)).toEqual(["delta", "delta", "tool_call", "usage"]);
    expect(received.slice(0, 3)).toEqual([
      { type: "delta", text: "Let me" },
      { type: "delta", text: " work that out." },
      call("call_c", "calculator", '{"expression":"2+2"}'),
    ]);
  });

  it("also yields the calls when the server finishes them with finish_reason stop", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents([{ id: "call_s", name: "calculator", pieces: ['{"expression":"1"}'] }], {
        finish: "stop",
      }),
    );

    expect(error).toBeUndefined();
    expect(received[0]).toEqual(call("call_s", "calculator", '{"expression":"1"}'));
  });

  it("passes arguments that are not valid JSON through as the text the model sent", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents([
        { id: "call_bad", name: "knowledge_search", pieces: ["{query: 'refunds'", ", top_k: }"] },
      ]),
    );

    expect(error).toBeUndefined();
    expect(received[0]).toEqual(
      call("call_bad", "knowledge_search", "{query: 'refunds', top_k: }"),
    );
  });

  it("reports a stream cut in the middle of a call's arguments as interrupted and retryable, yielding no call", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents(
        [{ id: "call_cut", name: "knowledge_search", pieces: ['{"query":"ref', "unds"] }],
        { finish: false },
      ),
      "close",
    );

    expect(received).toEqual([]);
    expect(error).toBeInstanceOf(LLMError);
    expect(error).toMatchObject({ kind: "interrupted", retryable: true });
  });

  it("gives calls the server sent without an id the stable ids call_<index>", async () => {
    const { received } = await streamOf(
      openaiToolCallEvents([
        { name: "calculator", pieces: ['{"expression":"1+1"}'] },
        { name: "calculator", pieces: ['{"expression":"2+2"}'] },
      ]),
    );

    expect(received.flatMap((e) => (e.type === "tool_call" ? [e.call.id] : []))).toEqual([
      "call_0",
      "call_1",
    ]);
  });

  it("reports a call whose name never arrived as an interrupted answer", async () => {
    const { received, error } = await streamOf(
      openaiToolCallEvents([{ id: "call_n", pieces: ['{"query":"x"}'] }]),
    );

    expect(received).toEqual([]);
    expect(error).toMatchObject({ kind: "interrupted", retryable: true });
    expect(String(error)).toContain("name");
  });
});
