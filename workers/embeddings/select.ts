/**
 * Choosing the embedder for this environment, in this order:
 * 1. OpenAI (text-embedding-3-small, 1536) when OPENAI_API_KEY is set, at OPENAI_BASE_URL when
 *    that is set too;
 * 2. Workers AI (`@cf/baai/bge-m3`, 1024) when the `AI` binding is set;
 * 3. the offline lexical embedding otherwise.
 * OpenAI stays first when both are there: a key is configured on purpose, and a deployment that
 * already embedded with it keeps comparable vectors when an AI binding is added for chat. Every
 * vector is stored with the embedder's model and dimensions, so switching later is refused per
 * tenant (EMBEDDING_MISMATCH) instead of mixing incomparable vectors.
 */
import type { WorkerEnv } from "../env.ts";
import { createLexicalEmbedder } from "./lexical.ts";
import { createOpenAIEmbedder } from "./openai.ts";
import type { Embedder } from "./types.ts";
import { createWorkersAiEmbedder } from "./workers-ai.ts";

export function selectEmbedder(
  env: Pick<WorkerEnv, "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "AI">,
  opts: { fetch?: typeof fetch } = {},
): Embedder {
  if (env.OPENAI_API_KEY)
    return createOpenAIEmbedder({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      fetch: opts.fetch,
    });
  if (env.AI) return createWorkersAiEmbedder({ ai: env.AI });
  return createLexicalEmbedder();
}
