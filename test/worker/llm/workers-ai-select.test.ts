/**
 * Workers AI is offered when the `AI` binding is set, and only then: its models in the
 * catalog, after Groq's and OpenAI's in the default's preference, and the provider that
 * answers an agent using one of them.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { Model } from "../../../shared/api/agents.ts";
import type { OptionalBindings, Secrets, WorkerEnv } from "../../../workers/env.ts";
import { availableModels, defaultModel, WORKERS_AI_DEFAULT } from "../../../workers/llm/models.ts";
import { selectProvider } from "../../../workers/llm/select.ts";
import { api, createAgent, signIn } from "../helpers.ts";
import { chatRequest, collect } from "./fixtures.ts";
import { LLAMA, fakeAi, nativeEvents, sseStream } from "./workers-ai-fixtures.ts";

// Every provider setting spelled out, so a developer's .dev.vars cannot change what these tests see.
const NONE: Secrets & OptionalBindings = {
  GROQ_API_KEY: undefined,
  GROQ_MODELS: undefined,
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_MODELS: undefined,
  AI: undefined,
};
const environment = (set: Secrets & OptionalBindings = {}): WorkerEnv => ({
  ...env,
  ...NONE,
  ...set,
});
const ids = (models: Model[], provider: Model["provider"]) =>
  models.filter((m) => m.provider === provider).map((m) => m.id);

const workerEnv: WorkerEnv = env;
const saved = Object.fromEntries(
  Object.keys(NONE).map((k) => [k, workerEnv[k as keyof typeof NONE]]),
);
afterEach(() => {
  Object.assign(env, saved);
});

describe("Workers AI as a chat provider", () => {
  it("offers its function-calling models only while the AI binding is set", () => {
    expect(ids(availableModels(environment()), "workers-ai")).toEqual([]);
    const { ai } = fakeAi(() => null);
    expect(ids(availableModels(environment({ AI: ai })), "workers-ai")).toEqual(WORKERS_AI_DEFAULT);
    expect(WORKERS_AI_DEFAULT[0]).toBe(LLAMA);
  });

  it("is the default model only when neither Groq nor OpenAI is configured", () => {
    const { ai } = fakeAi(() => null);
    expect(defaultModel(environment({ AI: ai }))).toBe(LLAMA);
    expect(defaultModel(environment({ AI: ai, OPENAI_API_KEY: "sk-test" }))).toBe("gpt-4o-mini");
    expect(defaultModel(environment({ AI: ai, GROQ_API_KEY: "gsk-test" }))).toBe(
      "llama-3.3-70b-versatile",
    );
    // The keyed providers' models come first in the catalog too.
    const all = availableModels(environment({ AI: ai, GROQ_API_KEY: "gsk-test" }));
    expect(all.findIndex((m) => m.provider === "workers-ai")).toBeGreaterThan(
      all.findIndex((m) => m.provider === "groq"),
    );
  });

  it("answers a Workers AI model through the binding, and with the extractive provider once it is gone", async () => {
    const binding = fakeAi(() => sseStream(nativeEvents(["From", " the edge."])));
    const provider = selectProvider(environment({ AI: binding.ai }), LLAMA);
    expect(provider.name).toBe("workers-ai");
    const { text } = await collect(provider.stream(chatRequest({ model: LLAMA })));
    expect(text).toBe("From the edge.");
    expect(binding.calls.map((c) => c.model)).toEqual([LLAMA]);
    expect(selectProvider(environment(), LLAMA).name).toBe("extractive");
  });

  it("lists its models in GET /api/v1/models and gives a new agent Llama 3.3 when it is the only provider", async () => {
    Object.assign(env, NONE, { AI: fakeAi(() => null).ai });
    const { token } = await signIn();
    const catalog = (await (await api("/api/v1/models", { token })).json()) as {
      models: Model[];
      default_model: string;
    };
    expect(ids(catalog.models, "workers-ai")).toEqual(WORKERS_AI_DEFAULT);
    expect(catalog.default_model).toBe(LLAMA);
    expect((await createAgent(token)).execution_config.model).toBe(LLAMA);
  });
});
