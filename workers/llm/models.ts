/**
 * The models an agent may use, from the providers configured in this environment. The offline
 * extractive provider is always there; Groq and OpenAI-compatible models appear when their
 * keys are set, Workers AI's function-calling models when the `AI` binding is (the first two
 * lists can be overridden with GROQ_MODELS / OPENAI_MODELS, comma separated, e.g. for a local
 * Ollama behind OPENAI_BASE_URL).
 *
 * New agents and templates get the best configured provider's first model (`defaultModel`):
 * Groq's if GROQ_API_KEY is set, else the OpenAI-compatible one's, else Workers AI's, else
 * the extractive one, so an owner who configured a provider does not start every agent on the
 * offline provider. Workers AI comes after the two keyed providers: a key is set on purpose
 * for chat, while the AI binding may be there for embeddings alone, and Groq's and OpenAI's
 * models are the stronger and faster tool callers of the three.
 */
import type { Model } from "../../shared/api/agents.ts";
import { DEFAULT_MODEL } from "../../shared/config.ts";
import type { WorkerEnv } from "../env.ts";

const GROQ_DEFAULT = [
  "llama-3.3-70b-versatile",
  "llama-3.1-8b-instant",
  "openai/gpt-oss-120b",
  "openai/gpt-oss-20b",
];
const OPENAI_DEFAULT = ["gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1"];
/**
 * Workers AI models that support function calling (developers.cloudflare.com/workers-ai,
 * "Function calling"), best first: Llama 3.3 70B (fp8, speculative decoding), Llama 4 Scout,
 * and Hermes 2 Pro, the small model Cloudflare's own function-calling examples use.
 */
export const WORKERS_AI_DEFAULT = [
  "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
  "@cf/meta/llama-4-scout-17b-16e-instruct",
  "@hf/nousresearch/hermes-2-pro-mistral-7b",
];

const list = (value: string | undefined, fallback: string[]) =>
  value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : fallback;

export function availableModels(env: WorkerEnv): Model[] {
  const models: Model[] = [
    { id: DEFAULT_MODEL, provider: "extractive", label: "Extractive (offline, no language model)" },
  ];
  const add = (ids: string[], provider: Model["provider"], label: string) => {
    for (const id of ids) {
      if (!models.some((m) => m.id === id))
        models.push({ id, provider, label: `${id} (${label})` });
    }
  };
  if (env.GROQ_API_KEY) add(list(env.GROQ_MODELS, GROQ_DEFAULT), "groq", "Groq");
  if (env.OPENAI_API_KEY)
    add(list(env.OPENAI_MODELS, OPENAI_DEFAULT), "openai", "OpenAI-compatible");
  if (env.AI) add(WORKERS_AI_DEFAULT, "workers-ai", "Workers AI");
  return models;
}

/** The model a new agent or a template gets when none is named: see the header. */
export function defaultModel(env: WorkerEnv): string {
  const models = availableModels(env);
  const first = (provider: Model["provider"]) => models.find((m) => m.provider === provider);
  return (first("groq") ?? first("openai") ?? first("workers-ai"))?.id ?? DEFAULT_MODEL;
}
