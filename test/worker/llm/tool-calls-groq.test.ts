/** The Groq provider reading tool calls as Groq streams them (each call whole), through groq-sdk. */
import { describe, expect, it } from "vitest";
import { createGroqProvider } from "../../../workers/llm/groq.ts";
import { chatRequest, collect, fakeFetch, GROQ_KEY, sseResponse } from "./fixtures.ts";
import type { Chunk } from "./fixtures.ts";
import { groqToolCallEvents, TOOL_SPECS } from "./tool-call-fixtures.ts";

const request = chatRequest({ tools: TOOL_SPECS });

async function streamOf(events: Chunk[], end: "done" | "close" = "done") {
  const wire = fakeFetch(() => sseResponse(events, end));
  return collect(createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(request));
}

describe("Groq provider tool calls", () => {
  it("yields the call Groq sent whole, with Groq's own id, then the usage from x_groq", async () => {
    const { received, error } = await streamOf(
      groqToolCallEvents([
        { id: "tk85n1k4m", name: "knowledge_search", pieces: ['{"query":"refund policy"}'] },
      ]),
    );

    expect(error).toBeUndefined();
    expect(received).toEqual([
      {
        type: "tool_call",
        call: { id: "tk85n1k4m", name: "knowledge_search", arguments: '{"query":"refund policy"}' },
      },
      { type: "usage", usage: { prompt_tokens: 180, completion_tokens: 15, total_tokens: 195 } },
    ]);
  });

  it("yields parallel calls sent one chunk each, in index order, after the text said before them", async () => {
    const { received, error } = await streamOf(
      groqToolCallEvents(
        [
          { id: "a1", name: "calculator", pieces: ['{"expression":"19.99*3"}'] },
          { id: "b2", name: "knowledge_search", pieces: ['{"query":"shipping","top_k":2}'] },
        ],
        { content: ["Checking."] },
      ),
    );

    expect(error).toBeUndefined();
    expect(received.map((e) => e.type)).toEqual(["delta", "tool_call", "tool_call", "usage"]);
    expect(received.flatMap((e) => (e.type === "tool_call" ? [e.call] : []))).toEqual([
      { id: "a1", name: "calculator", arguments: '{"expression":"19.99*3"}' },
      { id: "b2", name: "knowledge_search", arguments: '{"query":"shipping","top_k":2}' },
    ]);
  });

  it("reports a stream that closes after a call but before the finish chunk as interrupted, yielding no call", async () => {
    const { received, error } = await streamOf(
      groqToolCallEvents([{ id: "c3", name: "calculator", pieces: ['{"expression":"1"}'] }], {
        finish: false,
      }),
      "close",
    );

    expect(received).toEqual([]);
    expect(error).toMatchObject({ kind: "interrupted", retryable: true });
  });

  it("reports a tool call piece of another shape as an interrupted answer", async () => {
    const [role, call, finish] = groqToolCallEvents([{ id: "d4", name: "calculator", pieces: [] }]);
    const odd = {
      ...call,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: "calculator" }] },
          finish_reason: null,
        },
      ],
    };
    const { received, error } = await streamOf([role, odd, finish].flatMap((e) => (e ? [e] : [])));

    expect(received).toEqual([]);
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String(error)).toContain("tool call");
  });

  it("reports Groq's 400 tool_use_failed (the model wrote a malformed call) as retryable, other 400s not", async () => {
    const failed = {
      message:
        "Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.",
      type: "invalid_request_error",
      code: "tool_use_failed",
      failed_generation: '<function=calculator>{"expression": 2*}</function>',
    };
    for (const [code, kind] of [
      ["tool_use_failed", "interrupted"],
      [null, "rejected"],
    ] as const) {
      const wire = fakeFetch(() => Response.json({ error: { ...failed, code } }, { status: 400 }));
      const { error } = await collect(
        createGroqProvider({ apiKey: GROQ_KEY, fetch: wire.fetch }).stream(request),
      );

      expect(error).toMatchObject({ kind, status: 400, retryable: kind === "interrupted" });
    }
  });
});
