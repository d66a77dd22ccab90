/**
 * The tool-call wire checked against OpenAI's published schemas (test/support/openai-spec.ts):
 * the stream chunks the fixtures say OpenAI (and Groq) send, and the request bodies the two
 * providers really send through their SDKs, with tools and tool turns and without.
 */
import { describe, expect, it } from "vitest";
import { createGroqProvider } from "../../../workers/llm/groq.ts";
import { createOpenAIProvider } from "../../../workers/llm/openai.ts";
import type { AgentTurn, LLMProvider } from "../../../workers/llm/types.ts";
import { OpenAISpec } from "../../support/openai-spec.ts";
import * as text from "../../worker/llm/fixtures.ts";
import {
  groqToolCallEvents,
  openaiToolCallEvents,
  TOOL_SPECS,
} from "../../worker/llm/tool-call-fixtures.ts";
import type { ScriptedCall } from "../../worker/llm/tool-call-fixtures.ts";

const spec = OpenAISpec.load();

const calls: ScriptedCall[] = [
  { id: "call_A", name: "knowledge_search", pieces: ['{"query":', '"caf\\u00', 'e9"}'] },
  { name: "calculator", pieces: ['{"expression":"2*', '21"}'] },
];

const streams = {
  "OpenAI, one call after the other": openaiToolCallEvents(calls),
  "OpenAI, calls interleaved": openaiToolCallEvents(calls, { order: "interleaved" }),
  "OpenAI, text then a call, finish stop": openaiToolCallEvents(calls.slice(0, 1), {
    content: ["One moment."],
    finish: "stop",
  }),
  "OpenAI, a call without its name, cut": openaiToolCallEvents([{ pieces: ["{"] }], {
    finish: false,
  }),
  "OpenAI, text": text.openaiEvents(["Hello", " there"]),
  "Groq, parallel calls sent whole": groqToolCallEvents(calls, { content: ["Checking."] }),
  "Groq, text": text.groqEvents(["Hello"]),
};

const conversation: AgentTurn[] = [
  { role: "system", content: "You are Nooble's test agent." },
  { role: "user", content: "What is 2*21?" },
  {
    role: "assistant",
    content: "",
    tool_calls: [{ id: "c1", name: "calculator", arguments: '{"expression":"2*21"}' }],
  },
  { role: "tool", tool_call_id: "c1", name: "calculator", content: "42" },
  {
    role: "assistant",
    content: "Checking the docs too.",
    tool_calls: [{ id: "c2", name: "knowledge_search", arguments: "{}" }],
  },
  { role: "tool", tool_call_id: "c2", name: "knowledge_search", content: "No passages." },
];

const providers: [string, (f: typeof fetch) => LLMProvider][] = [
  ["Groq", (f) => createGroqProvider({ apiKey: text.GROQ_KEY, fetch: f })],
  ["OpenAI", (f) => createOpenAIProvider({ apiKey: text.OPENAI_KEY, fetch: f })],
];

async function sentBody(create: (f: typeof fetch) => LLMProvider, tools: boolean) {
  const wire = text.fakeFetch(() => text.sseResponse(text.openaiEvents(["42"])));
  const request = text.chatRequest(tools ? { messages: conversation, tools: TOOL_SPECS } : {});
  await text.collect(create(wire.fetch).stream(request));
  return wire.sent[0]?.body;
}

describe("OpenAI's schemas as a checker of the tool-call wire", () => {
  it("refuses chunks and requests that break them, so the clean checks below mean something", () => {
    const [first] = openaiToolCallEvents(calls);
    const choices = [{ index: 0, delta: { tool_calls: [{ id: "x" }] }, finish_reason: null }];
    expect(spec.checkStreamChunk({ ...first, choices })).toContain(
      "/choices/0/delta/tool_calls/0 must have required property 'index'",
    );
    expect(
      spec.checkStreamChunk({
        ...first,
        choices: [{ index: 0, delta: {}, finish_reason: "done" }],
      }),
    ).not.toEqual([]);
    const body = { model: "m", messages: [{ role: "user", content: "hi" }] };
    expect(spec.checkRequest(body)).toEqual([]);
    expect(spec.checkRequest({ ...body, parallel_tool_call: true })).toContain(
      "/ must NOT have additional properties (parallel_tool_call)",
    );
    expect(spec.checkRequest({ ...body, messages: [{ role: "tool", content: "42" }] })).not.toEqual(
      [],
    );
    expect(spec.checkRequest({ ...body, tool_choice: "sometimes" })).not.toEqual([]);
  });

  it.each(Object.entries(streams))(
    "accepts every chunk of the fixture stream: %s",
    (_name, events) => {
      for (const chunk of events) expect(spec.checkStreamChunk(chunk)).toEqual([]);
    },
  );

  it.each(providers)(
    "accepts the %s request with tools, tool_choice and tool turns, and the one without",
    async (_name, create) => {
      const withTools = await sentBody(create, true);
      expect(withTools).toMatchObject({ tool_choice: "auto", parallel_tool_calls: true });
      expect(spec.checkRequest(withTools)).toEqual([]);
      expect(spec.checkRequest(await sentBody(create, false))).toEqual([]);
    },
  );
});
