/**
 * Choosing the provider that serves an agent's model in this environment.
 */
import type { WorkerEnv } from "../env.ts";
import { createExtractiveProvider } from "./extractive.ts";
import { createGroqProvider } from "./groq.ts";
import { availableModels } from "./models.ts";
import { createOpenAIProvider } from "./openai.ts";
import type { LLMProvider } from "./types.ts";
import { createWorkersAiProvider } from "./workers-ai.ts";

/**
 * The provider for `model`, as availableModels(env) offers it: "extractive" and any model
 * this environment no longer offers (its key was removed, or the model list changed) get the
 * offline extractive provider, so an agent keeps answering honestly instead of failing every
 * turn. Callers read `provider.name` to record which provider really answered.
 */
export function selectProvider(
  env: WorkerEnv,
  model: string,
  opts: { fetch?: typeof fetch } = {},
): LLMProvider {
  const offered = availableModels(env).find((m) => m.id === model);
  if (offered?.provider === "groq" && env.GROQ_API_KEY) {
    return createGroqProvider({ apiKey: env.GROQ_API_KEY, fetch: opts.fetch });
  }
  if (offered?.provider === "openai" && env.OPENAI_API_KEY) {
    return createOpenAIProvider({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      fetch: opts.fetch,
    });
  }
  if (offered?.provider === "workers-ai" && env.AI) return createWorkersAiProvider({ ai: env.AI });
  return createExtractiveProvider();
}

/** Whether `model`'s answers here come from the offline extractive provider (they quote documents). */
export function answersQuoteDocuments(env: WorkerEnv, model: string): boolean {
  return selectProvider(env, model).name === "extractive";
}

/** Whether no language model is configured here at all, so every agent's answers quote documents. */
export function noModelConfigured(env: WorkerEnv): boolean {
  return availableModels(env).every((m) => m.provider === "extractive");
}
