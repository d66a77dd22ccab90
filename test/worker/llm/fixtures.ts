/**
 * Wire fixtures for the LLM providers: SSE bodies in the shapes Groq and OpenAI really send,
 * error bodies as they really look, and a fetch that records what the SDK sent.
 */
import { z } from "zod";
import type { ChatRequest, StreamEvent } from "../../../workers/llm/types.ts";

export const GROQ_KEY = "gsk_test_0123456789abcdefSECRET";
export const OPENAI_KEY = "sk-test-0123456789abcdefSECRET";

/** One parsed SSE `data:` payload. */
export type Chunk = Record<string, unknown>;

const base = { object: "chat.completion.chunk", created: 1_767_225_600 };

/** A Groq stream: a role chunk, one chunk per word, a finish chunk carrying x_groq.usage. */
export function groqEvents(words: string[], opts: { finish?: boolean } = {}): Chunk[] {
  const head = {
    id: "chatcmpl-3f1c0a6e",
    ...base,
    model: "llama-3.3-70b-versatile",
    system_fingerprint: "fp_4e2d9c1b7a",
  };
  const chunk = (delta: object, finish: string | null, x_groq?: object): Chunk => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(x_groq ? { x_groq } : {}),
  });
  const events = [
    chunk({ role: "assistant", content: "" }, null, { id: "req_01jqv3m8c5f0" }),
    ...words.map((w) => chunk({ content: w }, null)),
  ];
  if (opts.finish === false) return events;
  const usage = {
    queue_time: 0.018,
    prompt_tokens: 42,
    prompt_time: 0.003,
    completion_tokens: words.length,
    completion_time: 0.01,
    total_tokens: 42 + words.length,
    total_time: 0.013,
  };
  return [...events, chunk({}, "stop", { id: "req_01jqv3m8c5f0", usage })];
}

/** An OpenAI stream with include_usage: chunks with `usage: null`, a finish chunk, then `choices: []` with the usage. */
export function openaiEvents(
  words: string[],
  opts: { finish?: boolean; usage?: boolean } = {},
): Chunk[] {
  const head = {
    id: "chatcmpl-BbX2k9",
    ...base,
    model: "gpt-4o-mini-2024-07-18",
    service_tier: "default",
    system_fingerprint: "fp_62a23a81ef",
  };
  const chunk = (delta: object, finish: string | null): Chunk => ({
    ...head,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    usage: null,
    obfuscation: "q3Zx",
  });
  const events = [
    chunk({ role: "assistant", content: "", refusal: null }, null),
    ...words.map((w) => chunk({ content: w }, null)),
  ];
  if (opts.finish === false) return events;
  events.push(chunk({}, "stop"));
  if (opts.usage === false) return events;
  const usage = {
    prompt_tokens: 42,
    completion_tokens: words.length,
    total_tokens: 42 + words.length,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  return [...events, { ...head, choices: [], usage, obfuscation: "Zk" }];
}

/**
 * A `text/event-stream` response sending one SSE event per read. `end`: "done" sends
 * `data: [DONE]`; "close" just closes (a cut connection); "error" errors the body.
 */
export function sseResponse(events: unknown[], end: "done" | "close" | "error" = "done"): Response {
  const frames = events.map((e) => `data: ${JSON.stringify(e)}\n\n`);
  if (end === "done") frames.push("data: [DONE]\n\n");
  const encoder = new TextEncoder();
  // pull, not start: an errored stream discards whatever is still queued.
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const frame = frames.shift();
      if (frame !== undefined) controller.enqueue(encoder.encode(frame));
      else if (end === "error") controller.error(new TypeError("Network connection lost."));
      else controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

/** A JSON error answer in the `{error: {message, type, code}}` shape both APIs use. */
export function errorResponse(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = {
    error: {
      message,
      type: status >= 500 ? "server_error" : "invalid_request_error",
      param: null,
      code: null,
    },
  };
  return Response.json(body, { status, headers });
}

export interface SentRequest {
  url: URL;
  method: string;
  headers: Headers;
  body: Record<string, unknown>;
}

/** A fetch that records each request and answers with `respond(callNumber)` (from 1). */
export function fakeFetch(
  respond: (call: number, signal: AbortSignal | null) => Response | Promise<Response>,
) {
  const sent: SentRequest[] = [];
  const fetcher: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    sent.push({
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      body: z.record(z.string(), z.unknown()).parse(await request.json()),
    });
    return respond(sent.length, init?.signal ?? null);
  };
  return { fetch: fetcher, sent };
}

export function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: "llama-3.3-70b-versatile",
    messages: [
      { role: "system", content: "You are Nooble's test agent." },
      { role: "user", content: "Say hello." },
    ],
    temperature: 0.3,
    max_tokens: 256,
    top_p: 1,
    passages: [],
    ...overrides,
  };
}

/** Drains a provider stream, keeping what arrived before a failure as well as the failure. */
export async function collect(events: AsyncIterable<StreamEvent>) {
  const received: StreamEvent[] = [];
  try {
    for await (const event of events) received.push(event);
    return { received, text: joined(received), error: undefined };
  } catch (error) {
    return { received, text: joined(received), error };
  }
}

const joined = (events: StreamEvent[]) =>
  events.map((e) => (e.type === "delta" ? e.text : "")).join("");
