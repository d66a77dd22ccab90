/**
 * The Workers AI provider's tool calls: the tools it offers the model, and each call it
 * reads back once and whole, from every shape Workers AI answers in (streamed pieces, whole
 * native calls, a non-streamed answer, a call leaked into the text).
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent, ToolSpec } from "../../../workers/llm/types.ts";
import { createWorkersAiProvider } from "../../../workers/llm/workers-ai.ts";
import { chatRequest, collect } from "./fixtures.ts";
import {
  LLAMA,
  USAGE,
  fakeAi,
  nativeEvents,
  sseStream,
  streamedToolCallEvents,
} from "./workers-ai-fixtures.ts";

const TOOLS: ToolSpec[] = [
  {
    name: "knowledge_search",
    description: "Search the agent's documents.",
    parameters: {
      type: "object",
      properties: { query: { type: "string" } },
      required: ["query"],
    },
  },
  {
    name: "current_datetime",
    description: "The current date and time.",
    parameters: { type: "object", properties: {} },
  },
];

const withTools = (answer: unknown) => {
  const binding = fakeAi(() => answer);
  const provider = createWorkersAiProvider({ ai: binding.ai });
  return {
    binding,
    run: () => collect(provider.stream(chatRequest({ model: LLAMA, tools: TOOLS }))),
  };
};

const calls = (received: StreamEvent[]) =>
  received.filter((e): e is Extract<StreamEvent, { type: "tool_call" }> => e.type === "tool_call");

describe("the Workers AI provider's tool calls", () => {
  it("offers the tools in OpenAI's function shape and assembles parallel calls streamed in pieces", async () => {
    const { binding, run } = withTools(sseStream(streamedToolCallEvents()));
    const { received, text, error } = await run();
    expect(error).toBeUndefined();
    expect(text).toBe("");
    expect(binding.calls[0]?.inputs.tools).toEqual(
      TOOLS.map((t) => ({ type: "function", function: t })),
    );
    expect(calls(received)).toEqual([
      {
        type: "tool_call",
        call: {
          id: "chatcmpl-tool-7a1",
          name: "knowledge_search",
          arguments: '{"query": "refund policy"}',
        },
      },
      {
        type: "tool_call",
        call: { id: "chatcmpl-tool-7a2", name: "current_datetime", arguments: "{}" },
      },
    ]);
    expect(received.at(-1)).toEqual({ type: "usage", usage: USAGE });
  });

  it("reads native whole calls with object arguments and gives each call an id", async () => {
    const { run } = withTools(
      sseStream([
        {
          response: "",
          tool_calls: [{ name: "knowledge_search", arguments: { query: "refunds" } }],
        },
        { response: "", usage: USAGE },
      ]),
    );
    const { received, error } = await run();
    expect(error).toBeUndefined();
    const [event] = calls(received);
    expect(event).toMatchObject({
      call: { name: "knowledge_search", arguments: '{"query":"refunds"}' },
    });
    expect(event?.call.id).toMatch(/^call_[0-9a-f]{24}$/);
  });

  it("reads tool calls from the whole answer of a model that did not stream", async () => {
    const { received, error } = await withTools({
      response: "",
      tool_calls: [
        {
          id: "call_x1",
          type: "function",
          function: { name: "current_datetime", arguments: '{"timezone":"Europe/Paris"}' },
        },
      ],
      usage: USAGE,
    }).run();
    expect(error).toBeUndefined();
    expect(received).toEqual([
      {
        type: "tool_call",
        call: { id: "call_x1", name: "current_datetime", arguments: '{"timezone":"Europe/Paris"}' },
      },
      { type: "usage", usage: USAGE },
    ]);
  });

  it("turns a call the model leaked into its text into a tool call, not an answer", async () => {
    const leaked = ['{"name": "knowledge_search", ', '"parameters": {"query": "opening hours"}}'];
    const { received, text, error } = await withTools(sseStream(nativeEvents(leaked))).run();
    expect(error).toBeUndefined();
    expect(text).toBe("");
    expect(calls(received)).toMatchObject([
      { call: { name: "knowledge_search", arguments: '{"query":"opening hours"}' } },
    ]);
  });

  it("keeps text that only looks like JSON as the answer when it names no offered tool", async () => {
    const answer = ['{"name": "shell", ', '"arguments": {"cmd": "ls"}}'];
    const { received, text, error } = await withTools(sseStream(nativeEvents(answer))).run();
    expect(error).toBeUndefined();
    expect(text).toBe(answer.join(""));
    expect(calls(received)).toEqual([]);
  });

  it("streams text as it comes when the answer does not open like a call", async () => {
    const { received } = await withTools(
      sseStream(nativeEvents(["The", " shop", " opens at 9."])),
    ).run();
    expect(received.filter((e) => e.type === "delta")).toHaveLength(3);
  });

  it("fails as interrupted when a streamed call never got a name", async () => {
    const { error } = await withTools(
      sseStream([{ tool_calls: [{ index: 0, function: { arguments: '{"q":1}' } }] }]),
    ).run();
    expect(error).toMatchObject({ kind: "interrupted", message: expect.stringContaining("name") });
  });
});
