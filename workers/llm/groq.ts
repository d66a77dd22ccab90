/**
 * The Groq provider: streaming chat completions through `groq-sdk`. Groq reports usage in
 * `x_groq.usage` on the last chunk without being asked. With tools, Groq checks the calls the
 * model wrote before sending them, and answers 400 `tool_use_failed` when one is malformed:
 * that is the model's generation failing, not our request, so it is `interrupted` (a new
 * attempt samples again) rather than `rejected`.
 */
import Groq from "groq-sdk";
import { z } from "zod";
import { readCompletionStream } from "./completion-stream.ts";
import { sseBatches } from "./sse-batches.ts";
import { wireToolFields, toWireMessages } from "./wire-messages.ts";
import { interruptedError, redact, requestError } from "./errors.ts";
import type { ProviderIdentity } from "./errors.ts";
import { LLMError } from "./types.ts";
import type { ChatRequest, LLMProvider, StreamEvent } from "./types.ts";

export interface GroqProviderOptions {
  apiKey: string;
  /** The fetch the SDK uses; tests inject one that answers with recorded SSE bodies. */
  fetch?: typeof fetch;
  /** How long to wait for the response headers (the SDK's timeout stops there). */
  timeoutMs?: number;
}

/** Default wait for Groq's first byte: long enough for a queued request, short enough to retry. */
export const GROQ_TIMEOUT_MS = 30_000;

/** Creates the Groq provider. Retries are left to `withRetries`, so the SDK never retries. */
export function createGroqProvider(options: GroqProviderOptions): LLMProvider {
  const client = new Groq({
    apiKey: options.apiKey,
    // Explicit, because the SDK otherwise reads GROQ_BASE_URL from process.env (filled from bindings).
    baseURL: "https://api.groq.com",
    maxRetries: 0,
    timeout: options.timeoutMs ?? GROQ_TIMEOUT_MS,
    fetch: options.fetch,
  });
  const who: ProviderIdentity = {
    label: "Groq",
    keyVariable: "GROQ_API_KEY",
    apiKey: options.apiKey,
  };

  return {
    name: "groq",
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
              ...wireToolFields(request.tools),
            },
            { signal: request.signal },
          )
          .asResponse();
      } catch (err) {
        throw toolUseFailed(err, who) ?? requestError(err, Groq, who);
      }
      if (!response.body) throw interruptedError(who, "it answered without a body");
      yield* readCompletionStream(sseBatches(response.body), Groq, who, request.signal);
    },
  };
}

const ToolUseFailedSchema = z.object({
  error: z.object({ code: z.literal("tool_use_failed"), message: z.string() }),
});

/** Groq's "the model wrote a malformed tool call" answer, as a retryable interruption. */
function toolUseFailed(err: unknown, who: ProviderIdentity): LLMError | undefined {
  if (!(err instanceof Groq.APIError) || err.status !== 400) return undefined;
  const body = ToolUseFailedSchema.safeParse(err.error);
  if (!body.success) return undefined;
  return new LLMError(
    "interrupted",
    `${who.label} could not read the tool call the model wrote (${redact(body.data.error.message, who.apiKey)}); a new attempt may succeed.`,
    { status: 400 },
  );
}
