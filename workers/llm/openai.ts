/**
 * The OpenAI-compatible provider: streaming chat completions through `openai`, pointed at
 * OPENAI_BASE_URL when set (a local Ollama, vLLM, the bench server). Usage must be asked for
 * (`stream_options.include_usage`) and arrives on a last chunk with no choices.
 */
import OpenAI from "openai";
import { readCompletionStream } from "./completion-stream.ts";
import { sseBatches } from "./sse-batches.ts";
import { wireToolFields, toWireMessages } from "./wire-messages.ts";
import { interruptedError, requestError } from "./errors.ts";
import type { ProviderIdentity } from "./errors.ts";
import type { ChatRequest, LLMProvider, StreamEvent } from "./types.ts";

export interface OpenAIProviderOptions {
  apiKey: string;
  /** An OpenAI-compatible API root such as `http://localhost:11434/v1`; OpenAI's when absent. */
  baseURL?: string;
  /** The fetch the SDK uses; tests inject one that answers with recorded SSE bodies. */
  fetch?: typeof fetch;
  /** How long to wait for the response headers (the SDK's timeout stops there). */
  timeoutMs?: number;
}

const OPENAI_BASE_URL = "https://api.openai.com/v1";

/** Default wait for the first byte. */
export const OPENAI_TIMEOUT_MS = 30_000;

/** Creates the OpenAI-compatible provider. Retries are left to `withRetries`, so the SDK never retries. */
export function createOpenAIProvider(options: OpenAIProviderOptions): LLMProvider {
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, because the SDK otherwise reads process.env, which workerd fills from bindings.
    baseURL: options.baseURL || OPENAI_BASE_URL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? OPENAI_TIMEOUT_MS,
    fetch: options.fetch,
  });
  const who: ProviderIdentity = {
    label: "The OpenAI-compatible provider",
    keyVariable: "OPENAI_API_KEY",
    apiKey: options.apiKey,
  };

  return {
    name: "openai",
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      let response: Response;
      try {
        // The SDK sends the request and turns error statuses into its errors; the body is read
        // by sse-batches.ts (see there for why not by the SDK).
        response = await client.chat.completions
          .create(
            {
              model: request.model,
              messages: toWireMessages(request.messages),
              temperature: request.temperature,
              max_tokens: request.max_tokens,
              top_p: request.top_p,
              stream: true,
              stream_options: { include_usage: true },
              ...wireToolFields(request.tools),
            },
            { signal: request.signal },
          )
          .asResponse();
      } catch (err) {
        throw requestError(err, OpenAI, who);
      }
      if (!response.body) throw interruptedError(who, "it answered without a body");
      yield* readCompletionStream(sseBatches(response.body), OpenAI, who, request.signal);
    },
  };
}
