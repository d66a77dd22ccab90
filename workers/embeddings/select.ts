/**
 * Choosing the embedder for this environment: OpenAI when OPENAI_API_KEY is set (at
 * OPENAI_BASE_URL when that is set too), otherwise the offline lexical embedding. Every
 * vector is stored with the embedder's model and dimensions, so switching later is refused
 * per tenant (EMBEDDING_MISMATCH) instead of mixing incomparable vectors.
 */
import type { WorkerEnv } from "../env.ts";
import { createLexicalEmbedder } from "./lexical.ts";
import { createOpenAIEmbedder } from "./openai.ts";
import type { Embedder } from "./types.ts";

export function selectEmbedder(
  env: Pick<WorkerEnv, "OPENAI_API_KEY" | "OPENAI_BASE_URL">,
  opts: { fetch?: typeof fetch } = {},
): Embedder {
  if (env.OPENAI_API_KEY)
    return createOpenAIEmbedder({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      fetch: opts.fetch,
    });
  return createLexicalEmbedder();
}
