/**
 * Reads a streamed chat completion (the chunks an SDK parsed from the SSE body) into
 * StreamEvents. Shared by the Groq and OpenAI-compatible providers, whose chunks differ only
 * in where the usage travels.
 */
import { z } from "zod";
import { UsageSchema } from "../../shared/conversation.ts";
import type { Usage } from "../../shared/conversation.ts";
import { cancelledError, interruptedError, streamError } from "./errors.ts";
import type { ProviderIdentity, SdkErrorClasses } from "./errors.ts";
import type { StreamEvent } from "./types.ts";

// Only the fields that drive control flow; everything else a provider adds passes through.
const ChunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z.object({ content: z.string().nullish() }).nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: z.unknown().optional(),
  x_groq: z.object({ usage: z.unknown().optional(), error: z.string().nullish() }).nullish(),
});

const readUsage = (value: unknown): Usage | undefined => {
  // Most chunks carry no usage: skip the parse (and the error object a failed parse builds).
  if (value === undefined || value === null) return undefined;
  const parsed = UsageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/**
 * Yields a delta per non-empty content piece, then one usage event if the provider sent one
 * (Groq: `x_groq.usage` on the last chunk; OpenAI with `include_usage`: top-level `usage` on
 * a final chunk with no choices). Throws an `interrupted` LLMError when the stream errors or
 * ends without a finish_reason: the SDKs end quietly when the body closes early, so a
 * missing finish_reason is the only sign that the answer was cut.
 */
export async function* readCompletionStream(
  chunks: AsyncIterable<unknown>,
  sdk: SdkErrorClasses,
  who: ProviderIdentity,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  let finished = false;
  let usage: Usage | undefined;
  try {
    for await (const raw of chunks) {
      // Checked here too: a fetch whose body ignores the signal would otherwise stream on.
      if (signal?.aborted) throw cancelledError();
      const chunk = ChunkSchema.safeParse(raw);
      if (!chunk.success) throw interruptedError(who, "it sent a chunk that is not a chat completion");
      const { choices, x_groq } = chunk.data;
      if (x_groq?.error) throw interruptedError(who, x_groq.error);
      const choice = choices?.[0];
      const text = choice?.delta?.content;
      if (text) yield { type: "delta", text };
      if (choice?.finish_reason) finished = true;
      usage = readUsage(x_groq?.usage) ?? readUsage(chunk.data.usage) ?? usage;
    }
  } catch (err) {
    throw streamError(err, sdk, who);
  }
  // The SDKs swallow an abort mid-stream and simply stop; say so rather than look cut.
  if (signal?.aborted) throw cancelledError();
  if (!finished) throw interruptedError(who);
  if (usage) yield { type: "usage", usage };
}
