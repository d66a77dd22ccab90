/**
 * Workers AI embeddings through the `AI` binding: `@cf/baai/bge-m3`, 1024 dimensions.
 *
 * Why bge-m3 rather than bge-base-en-v1.5 (768): our chunks run to ~500 words, more than
 * bge-base's 512-token input, which it would cut short, while bge-m3 reads 8192 tokens per
 * input; it is multilingual where bge-base is English only; and it costs less per token
 * ($0.012 vs $0.067 per million input tokens on Cloudflare's model pages).
 *
 * Limits (the model's schema and page): at most 100 texts per request, a 60,000-token context
 * per request, 8192 tokens per input. Token counts are estimates (workers/ingestion/tokens.ts)
 * that have run as low as 0.57 of the real count, so the budgets below leave that much room,
 * as the OpenAI embedder does, and `truncate_inputs` lets the model cut an input it still
 * finds too long instead of failing the batch. Failures a retry can fix are retried by the
 * same `withRetries` the LLM providers use.
 */
import { z } from "zod";
import type { AiBinding } from "../env.ts";
import { withRetries } from "../llm/retry.ts";
import type { RetryOptions } from "../llm/retry.ts";
import { bindingError } from "../llm/workers-ai-errors.ts";
import { embedInBatches } from "./openai.ts";
import type { EmbeddingLimits } from "./openai.ts";
import type { Embedder } from "./types.ts";

export const WORKERS_AI_EMBEDDING_MODEL = "@cf/baai/bge-m3";
export const WORKERS_AI_EMBEDDING_DIMENSIONS = 1024;

export const WORKERS_AI_EMBEDDING_LIMITS: Readonly<EmbeddingLimits> = {
  /** The schema's `maxItems` for `text`. */
  maxInputsPerRequest: 100,
  /** The request's context is 60,000 tokens; estimates can run low, so budget for half. */
  maxEstimatedTokensPerRequest: 30_000,
  /** 8192 tokens per input; a longer one is cut to this estimate (x1.75 = 7.9k). */
  maxEstimatedTokensPerInput: 4_500,
};

export interface WorkersAiEmbedderOptions {
  /** `env.AI`; tests pass a fake answering in the binding's `{shape, data}` shape. */
  ai: AiBinding;
  retry?: RetryOptions;
  /** Overrides of the batching limits (tests use small ones). */
  limits?: Partial<EmbeddingLimits>;
}

/** The model's answer for `text: [...]`; each vector is checked by hand below (100k numbers). */
const EmbeddingAnswerSchema = z.object({
  shape: z.array(z.number()).optional(),
  data: z.array(z.array(z.unknown())),
});

const isVector = (v: unknown[], dimensions: number): v is number[] =>
  v.length === dimensions && v.every((x) => typeof x === "number" && Number.isFinite(x));

export function createWorkersAiEmbedder(options: WorkersAiEmbedderOptions): Embedder {
  const model = WORKERS_AI_EMBEDDING_MODEL;
  const dimensions = WORKERS_AI_EMBEDDING_DIMENSIONS;
  const limits = { ...WORKERS_AI_EMBEDDING_LIMITS, ...options.limits };

  async function embedBatch(text: string[]): Promise<number[][]> {
    const answer = await withRetries(async () => {
      try {
        return await options.ai.run(model, { text, truncate_inputs: true });
      } catch (err) {
        throw bindingError(err, model);
      }
    }, options.retry);
    const parsed = EmbeddingAnswerSchema.safeParse(answer);
    if (!parsed.success || parsed.data.data.length !== text.length)
      throw new Error(
        `Workers AI (${model}) answered ${text.length} texts with something other than ${text.length} vectors`,
      );
    return parsed.data.data.map((v, i) => {
      if (!isVector(v, dimensions))
        throw new Error(
          `Workers AI (${model}) returned no ${dimensions}-dimension vector for input ${i}`,
        );
      return v;
    });
  }

  return {
    model,
    dimensions,
    embed: (texts) => embedInBatches(texts, limits, embedBatch),
  };
}
