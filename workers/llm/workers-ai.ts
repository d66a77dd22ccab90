/**
 * The Workers AI provider: chat through the `AI` binding, Cloudflare-native, no key. The
 * request is OpenAI's chat shape (wire-messages.ts), which Workers AI's function-calling
 * models read; the answer is read by workers-ai-answer.ts and failures are classified by
 * workers-ai-errors.ts. Retries are left to `withRetries`, as for the other providers.
 */
import type { AiBinding } from "../env.ts";
import { cancelledError } from "./errors.ts";
import { LLMError } from "./types.ts";
import type { ChatRequest, LLMProvider, StreamEvent } from "./types.ts";
import { toWireMessages, toWireTools } from "./wire-messages.ts";
import { readWorkersAiAnswer, readWorkersAiStream } from "./workers-ai-answer.ts";
import { bindingError } from "./workers-ai-errors.ts";

export interface WorkersAiProviderOptions {
  /** `env.AI`; tests pass a fake whose `run` answers with the binding's recorded shapes. */
  ai: AiBinding;
  /** How long `run` may take to start answering (the first byte of a stream). */
  timeoutMs?: number;
}

/** Default wait for the binding to start answering: as for Groq, long enough for a queued request. */
export const WORKERS_AI_TIMEOUT_MS = 30_000;

/**
 * The messages as the binding takes them. Older Workers AI schemas refused `content: null`
 * on an assistant turn that only called tools, so it is sent as "".
 */
function bindingMessages(request: ChatRequest) {
  return toWireMessages(request.messages).map((m) =>
    m.role === "assistant" && m.content === null ? { ...m, content: "" } : m,
  );
}

/**
 * Waits for `run` to answer, or fails: cancelled when the caller's signal aborts, a timeout
 * when `timeoutMs` passes first. Raced here too, in case the binding ignores the signal.
 */
async function runWithin(
  start: (signal: AbortSignal) => Promise<unknown>,
  caller: AbortSignal | undefined,
  timeoutMs: number,
): Promise<unknown> {
  const timer = new AbortController();
  const signal = caller ? AbortSignal.any([caller, timer.signal]) : timer.signal;
  let fail = () => {};
  const stopped = new Promise<never>((_, reject) => {
    fail = () =>
      reject(
        caller?.aborted
          ? cancelledError()
          : new LLMError("timeout", "Workers AI did not start answering in time."),
      );
  });
  if (signal.aborted) fail();
  signal.addEventListener("abort", fail, { once: true });
  const timeout = setTimeout(() => timer.abort(), timeoutMs);
  try {
    return await Promise.race([start(signal), stopped]);
  } finally {
    clearTimeout(timeout);
    signal.removeEventListener("abort", fail);
  }
}

export function createWorkersAiProvider(options: WorkersAiProviderOptions): LLMProvider {
  const timeoutMs = options.timeoutMs ?? WORKERS_AI_TIMEOUT_MS;
  return {
    name: "workers-ai",
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      const tools = toWireTools(request.tools);
      const offered = new Set((request.tools ?? []).map((t) => t.name));
      const inputs = {
        messages: bindingMessages(request),
        ...(tools ? { tools } : {}),
        max_tokens: request.max_tokens,
        temperature: request.temperature,
        top_p: request.top_p,
        stream: true,
      };
      let answer: unknown;
      try {
        answer = await runWithin(
          (signal) => options.ai.run(request.model, inputs, { signal }),
          request.signal,
          timeoutMs,
        );
      } catch (err) {
        throw bindingError(err, request.model);
      }
      if (answer instanceof ReadableStream) {
        yield* readWorkersAiStream(answer, offered, request.signal);
        return;
      }
      yield* readWorkersAiAnswer(answer, offered);
    },
  };
}
