/**
 * OpenAI embeddings (text-embedding-3-small, 1536 dimensions) through the `openai` SDK,
 * pointed at OPENAI_BASE_URL when set. Texts are sent in batches inside the API's limits
 * (2048 inputs and 300k tokens per request, 8191 tokens per input), and a batch refused
 * for a reason a retry can fix (429, 5xx, timeouts, network) is retried with backoff by the
 * same `withRetries` the LLM providers use; the SDK itself never retries.
 *
 * Token counts are estimates (workers/ingestion/tokens.ts): on single chunks the estimate
 * has been as low as 0.57 of the real count, so every limit below leaves that much room.
 */
import OpenAI from "openai";
import { estimateTokens } from "../ingestion/tokens.ts";
import { requestError } from "../llm/errors.ts";
import type { ProviderIdentity } from "../llm/errors.ts";
import { withRetries } from "../llm/retry.ts";
import type { RetryOptions } from "../llm/retry.ts";
import type { Embedder } from "./types.ts";

export const OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";
export const OPENAI_EMBEDDING_DIMENSIONS = 1536;

export interface EmbeddingLimits {
  maxInputsPerRequest: number;
  maxEstimatedTokensPerRequest: number;
  maxEstimatedTokensPerInput: number;
}

/** The API's own limits, and the estimated-token budgets kept under them. */
export const OPENAI_EMBEDDING_LIMITS: Readonly<EmbeddingLimits> = {
  maxInputsPerRequest: 2048,
  /** The API allows 300k tokens per request; estimates can run low, so budget for half. */
  maxEstimatedTokensPerRequest: 150_000,
  /** The API allows 8191 tokens per input; a longer input is cut to this estimate (x1.75 = 7.9k). */
  maxEstimatedTokensPerInput: 4_500,
};

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  /** Ask the API for shorter vectors (text-embedding-3 models support it); 1536 by default. */
  dimensions?: number;
  /** The fetch the SDK uses; tests inject a fake that records requests. */
  fetch?: typeof fetch;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Overrides of the batching limits (tests use small ones). */
  limits?: Partial<EmbeddingLimits>;
}

const DEFAULT_BASE_URL = "https://api.openai.com/v1";

/** Cuts `text` so its estimate fits `maxTokens`; the cut falls between characters found by bisection. */
/**
 * Embeds `texts` in the batches `limits` allow, one request per batch, each text cut to the
 * per-input estimate; empty texts are sent as a space (the APIs refuse empty strings, and a
 * space embeds as "nothing" just as well). Shared by the OpenAI and Workers AI embedders.
 */
export async function embedInBatches(
  texts: string[],
  limits: EmbeddingLimits,
  embedBatch: (batch: string[]) => Promise<number[][]>,
): Promise<number[][]> {
  const prepared = texts.map(
    (t) => truncateToEstimate(t, limits.maxEstimatedTokensPerInput) || " ",
  );
  const vectors: number[][] = [];
  for (const batch of planBatches(prepared, limits)) vectors.push(...(await embedBatch(batch)));
  return vectors;
}

export function truncateToEstimate(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(text, 0, mid) <= maxTokens) lo = mid;
    else hi = mid - 1;
  }
  // Never split a surrogate pair.
  const code = text.charCodeAt(lo - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? lo - 1 : lo);
}

/** Splits inputs (already truncated) into request-sized groups, in order. */
export function planBatches(texts: string[], limits: EmbeddingLimits): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const cost = estimateTokens(text);
    if (
      current.length > 0 &&
      (current.length >= limits.maxInputsPerRequest ||
        tokens + cost > limits.maxEstimatedTokensPerRequest)
    ) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(text);
    tokens += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const model = options.model ?? OPENAI_EMBEDDING_MODEL;
  const dimensions = options.dimensions ?? OPENAI_EMBEDDING_DIMENSIONS;
  const limits = { ...OPENAI_EMBEDDING_LIMITS, ...options.limits };
  const client = new OpenAI({
    apiKey: options.apiKey,
    // Explicit, because the SDK otherwise reads process.env, which workerd fills from bindings.
    baseURL: options.baseURL || DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: options.timeoutMs ?? 60_000,
    fetch: options.fetch,
  });
  const who: ProviderIdentity = {
    label: "The OpenAI embeddings API",
    keyVariable: "OPENAI_API_KEY",
    apiKey: options.apiKey,
  };

  async function embedBatch(input: string[]): Promise<number[][]> {
    const response = await withRetries(async () => {
      try {
        return await client.embeddings.create({
          model,
          input,
          ...(dimensions !== OPENAI_EMBEDDING_DIMENSIONS ? { dimensions } : {}),
        });
      } catch (err) {
        throw requestError(err, OpenAI, who);
      }
    }, options.retry);
    const out = new Array<number[] | undefined>(input.length);
    for (const item of response.data) out[item.index] = Array.from(item.embedding);
    return out.map((v, i) => {
      if (!v || v.length !== dimensions)
        throw new Error(`${who.label} returned no ${dimensions}-dimension vector for input ${i}`);
      return v;
    });
  }

  return {
    model,
    dimensions,
    embed: (texts) => embedInBatches(texts, limits, embedBatch),
  };
}
