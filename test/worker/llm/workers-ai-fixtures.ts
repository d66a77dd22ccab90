/**
 * A fake Workers AI binding and the answers the real one gives, recorded from Cloudflare's
 * documentation and the workers-ai-provider's own fixtures: SSE bytes for `stream: true`
 * (native `{"response","p"}` events or OpenAI chat-completion chunks, then `data: [DONE]`),
 * `{response, tool_calls, usage}` for an answer that did not stream, `{shape, data}` for
 * embeddings, and errors thrown as the binding throws them ("3040: …").
 */
import type { AiBinding } from "../../../workers/env.ts";
import { sseResponse } from "./fixtures.ts";

export const LLAMA = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";

export interface AiCall {
  model: string;
  inputs: Record<string, unknown>;
  signal: AbortSignal | undefined;
}

/** A binding that records each call and answers with `answer(callNumber, call)` (from 1). */
export function fakeAi(answer: (call: number, sent: AiCall) => unknown) {
  const calls: AiCall[] = [];
  const ai: AiBinding = {
    async run(model, inputs, options) {
      const sent = { model, inputs, signal: options?.signal };
      calls.push(sent);
      return answer(calls.length, sent);
    },
  };
  return { ai, calls };
}

/** The binding's stream: SSE bytes, one event per read (`end` as in fixtures.ts sseResponse). */
export function sseStream(
  events: unknown[],
  end: "done" | "close" | "error" = "done",
): ReadableStream<Uint8Array> {
  const body = sseResponse(events, end).body;
  if (!body) throw new Error("sseResponse built no body");
  return body;
}

const USAGE = { prompt_tokens: 755, completion_tokens: 10, total_tokens: 765 };

/** A native stream as llama-3.3 sends it: a `p` padding field, an empty event, then the usage. */
export function nativeEvents(words: string[]): unknown[] {
  const pad = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [
    ...words.map((w, i) => ({ response: w, p: pad.slice(0, 8 + ((i * 7) % 28)) })),
    { response: "" },
    { response: "", usage: USAGE },
  ];
}

const chunkHead = {
  id: "chatcmpl-edc8406714f74cca9cff55f929272d9a",
  object: "chat.completion.chunk",
  created: 1_751_570_976,
  model: LLAMA,
};

/** An OpenAI-shaped chunk as newer Workers AI models stream them. */
export function openAiChunk(delta: object, finish: string | null = null, usage?: object): unknown {
  return {
    ...chunkHead,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(usage ? { usage } : {}),
  };
}

/** Two parallel calls streamed in pieces, OpenAI style, ending with finish_reason "tool_calls". */
export function streamedToolCallEvents(): unknown[] {
  return [
    openAiChunk({ role: "assistant", content: "" }),
    openAiChunk({
      tool_calls: [
        {
          index: 0,
          id: "chatcmpl-tool-7a1",
          type: "function",
          function: { name: "knowledge_search", arguments: "" },
        },
      ],
    }),
    openAiChunk({ tool_calls: [{ index: 0, function: { arguments: '{"query": "ref' } }] }),
    openAiChunk({ tool_calls: [{ index: 0, function: { arguments: 'und policy"}' } }] }),
    openAiChunk({
      tool_calls: [
        {
          index: 1,
          id: "chatcmpl-tool-7a2",
          type: "function",
          function: { name: "current_datetime", arguments: "{}" },
        },
      ],
    }),
    openAiChunk({ tool_calls: [{ id: null, type: null, function: { name: null } }] }),
    openAiChunk({}, "tool_calls", USAGE),
  ];
}

export { USAGE };
