/**
 * The models an agent may use, from the providers configured in this environment. The offline
 * extractive provider is always there; Groq and OpenAI-compatible models appear when their
 * keys are set (the lists can be overridden with GROQ_MODELS / OPENAI_MODELS, comma separated,
 * e.g. for a local Ollama behind OPENAI_BASE_URL).
 *
 * New agents and templates get the best configured provider's first model (`defaultModel`):
 * Groq's if GROQ_API_KEY is set, else the OpenAI-compatible one's, else the extractive one, so
 * an owner who configured a key does not start every agent on the offline provider.
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
  if (env.GROQ_API_KEY) {
    for (const id of list(env.GROQ_MODELS, GROQ_DEFAULT))
      models.push({ id, provider: "groq", label: `${id} (Groq)` });
  }
  if (env.OPENAI_API_KEY) {
    for (const id of list(env.OPENAI_MODELS, OPENAI_DEFAULT)) {
      if (!models.some((m) => m.id === id))
        models.push({ id, provider: "openai", label: `${id} (OpenAI-compatible)` });
    }
  }
  return models;
}

/** The model a new agent or a template gets when none is named: see the header. */
export function defaultModel(env: WorkerEnv): string {
  const models = availableModels(env);
  return (
    (models.find((m) => m.provider === "groq") ?? models.find((m) => m.provider === "openai"))
      ?.id ?? DEFAULT_MODEL
  );
}
