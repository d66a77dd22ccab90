/**
 * Tool-call streams in the shapes the providers really send (fixtures.ts has the text ones):
 *
 * - OpenAI cuts a call into pieces: its first piece carries `index`, `id`, `type` and the
 *   name with empty arguments (on the first chunk also `role`, `content: null`, `refusal:
 *   null`), then `{index, function: {arguments}}` pieces; a parallel call has the next index;
 *   then `finish_reason: "tool_calls"` and, with include_usage, a chunk with `choices: []`.
 * - Groq sends each call whole in one chunk (`{id, type, function: {name, arguments}, index}`,
 *   ids without the `call_` prefix), after a role chunk with `content: null`, and puts the
 *   usage both in `x_groq.usage` and at the top level of the finish chunk (as recorded in
 *   vercel/ai's packages/groq fixtures, February 2026).
 */
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolSpec } from "../../../workers/llm/types.ts";
import type { Chunk } from "./fixtures.ts";

/** A call as a script: its id (none: the server sent none), its name, its arguments' pieces. */
export interface ScriptedCall {
  id?: string;
  name?: string;
  pieces: string[];
}

export interface ToolStreamOptions {
  /** Text the model says before calling. */
  content?: string[];
  /** "interleaved": one piece of each call in turn, as a server streaming calls in parallel. */
  order?: "sequential" | "interleaved";
  /** The finish_reason; false: the stream is cut before it (no finish chunk, no usage). */
  finish?: "tool_calls" | "stop" | false;
}

const created = 1_767_225_600;
const usageOf = (completion: number) => ({
  prompt_tokens: 180,
  completion_tokens: completion,
  total_tokens: 180 + completion,
});

/** An OpenAI chat-completions stream (include_usage on) in which the model calls tools. */
export function openaiToolCallEvents(calls: ScriptedCall[], opts: ToolStreamOptions = {}): Chunk[] {
  const head = {
    id: "chatcmpl-C9kTq2",
    object: "chat.completion.chunk",
    created,
    model: "gpt-4o-mini-2024-07-18",
    service_tier: "default",
    system_fingerprint: "fp_560af6e559",
  };
  const chunk = (delta: object, finish: string | null): Chunk => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
    obfuscation: "hS2",
  });
  const events: Chunk[] = [];
  let role: object = { role: "assistant", content: null, refusal: null };
  if (opts.content?.length) {
    events.push(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const text of opts.content) events.push(chunk({ content: text }, null));
    role = {};
  }
  const opener = (call: ScriptedCall, index: number) => ({
    index,
    ...(call.id === undefined ? {} : { id: call.id }),
    type: "function",
    function: { ...(call.name === undefined ? {} : { name: call.name }), arguments: "" },
  });
  const piece = (index: number, text: string) => ({ index, function: { arguments: text } });
  const push = (toolCalls: object[]) => {
    events.push(chunk({ ...role, tool_calls: toolCalls }, null));
    role = {};
  };
  if (opts.order === "interleaved") {
    calls.forEach((call, index) => push([opener(call, index)]));
    const rounds = Math.max(...calls.map((c) => c.pieces.length));
    for (let r = 0; r < rounds; r++)
      calls.forEach((call, index) => {
        const text = call.pieces[r];
        if (text !== undefined) push([piece(index, text)]);
      });
  } else {
    calls.forEach((call, index) => {
      push([opener(call, index)]);
      for (const text of call.pieces) push([piece(index, text)]);
    });
  }
  if (opts.finish === false) return events;
  events.push(chunk({}, opts.finish ?? "tool_calls"));
  const completion = calls.reduce((n, c) => n + c.pieces.length, 0) + 10;
  events.push({ ...head, choices: [], usage: usageOf(completion), obfuscation: "Q" });
  return events;
}

/** A Groq stream in which the model calls tools: each call whole in its own chunk. */
export function groqToolCallEvents(calls: ScriptedCall[], opts: ToolStreamOptions = {}): Chunk[] {
  const head = {
    id: "chatcmpl-b610d559-f156-4aca-8827-24b4fe6af54f",
    object: "chat.completion.chunk",
    created,
    model: "llama-3.3-70b-versatile",
    system_fingerprint: "fp_f8b414701e",
  };
  const chunk = (delta: object, finish: string | null, extra: object = {}): Chunk => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...extra,
  });
  const request = { id: "req_01kh52nj5yfcat8hrmvrk2j2hj" };
  const events: Chunk[] = [
    chunk({ role: "assistant", content: null }, null, { x_groq: { ...request, seed: 689520654 } }),
  ];
  for (const text of opts.content ?? []) events.push(chunk({ content: text }, null));
  calls.forEach((call, index) => {
    const whole = {
      ...(call.id === undefined ? {} : { id: call.id }),
      type: "function",
      function: { name: call.name, arguments: call.pieces.join("") },
      index,
    };
    events.push(chunk({ tool_calls: [whole] }, null));
  });
  if (opts.finish === false) return events;
  const usage = {
    queue_time: 0.041520249,
    ...usageOf(15 * calls.length),
    prompt_time: 0.010407901,
    completion_time: 0.046601227,
    total_time: 0.057009128,
  };
  events.push(chunk({}, opts.finish ?? "tool_calls", { x_groq: { ...request, usage }, usage }));
  return events;
}

/** Two of the real built-in tools, as the agent loop offers them to a provider. */
export const TOOL_SPECS: ToolSpec[] = (["knowledge_search", "calculator"] as const).map((name) => ({
  name,
  description: TOOL_DESCRIPTIONS[name],
  parameters: toolParameters(TOOL_ARGUMENTS[name]),
}));
