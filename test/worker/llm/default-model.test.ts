/**
 * New agents, custom or from a template, get the best configured provider's first model:
 * Groq's when GROQ_API_KEY is set, else the OpenAI-compatible provider's, else the offline
 * extractive one. Keys are set on the Worker's env object for each test (the app reads it).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import type { AgentTemplate, Model } from "../../../shared/api/agents.ts";
import type { Secrets, WorkerEnv } from "../../../workers/env.ts";
import { api, createAgent, signIn } from "../helpers.ts";

const workerEnv: WorkerEnv = env;
const KEYS = [
  "GROQ_API_KEY",
  "GROQ_MODELS",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_MODELS",
] as const;
const saved: Secrets = Object.fromEntries(KEYS.map((k) => [k, workerEnv[k]]));
afterEach(() => {
  Object.assign(env, saved);
});

/** Exactly these provider settings, whatever a developer's .dev.vars holds. */
function configure(secrets: Secrets) {
  Object.assign(env, Object.fromEntries(KEYS.map((k) => [k, undefined])), secrets);
}

async function catalog(token: string) {
  const models = (await (await api("/api/v1/models", { token })).json()) as {
    models: Model[];
    default_model: string;
  };
  const templates = (
    (await (await api("/api/v1/agent-templates", { token })).json()) as {
      templates: AgentTemplate[];
    }
  ).templates;
  return { ...models, templates };
}

describe("the model a new agent gets", () => {
  it("is Groq's first model when Groq is configured, for custom agents, templates and the catalog", async () => {
    configure({ GROQ_API_KEY: "gsk-test", OPENAI_API_KEY: "sk-test" });
    const { token } = await signIn();
    expect((await createAgent(token)).execution_config.model).toBe("llama-3.3-70b-versatile");
    expect((await createAgent(token, { template_id: "sales" })).execution_config.model).toBe(
      "llama-3.3-70b-versatile",
    );
    const { default_model, templates } = await catalog(token);
    expect(default_model).toBe("llama-3.3-70b-versatile");
    expect(templates.map((t) => t.execution_config.model)).toEqual(
      templates.map(() => "llama-3.3-70b-versatile"),
    );
  });

  it("follows GROQ_MODELS' order", async () => {
    configure({ GROQ_API_KEY: "gsk-test", GROQ_MODELS: "openai/gpt-oss-20b,llama-3.1-8b-instant" });
    const { token } = await signIn();
    expect((await createAgent(token)).execution_config.model).toBe("openai/gpt-oss-20b");
  });

  it("is the OpenAI-compatible provider's first model when only it is configured", async () => {
    configure({ OPENAI_API_KEY: "sk-test", OPENAI_MODELS: "qwen2.5,llama3.2" });
    const { token } = await signIn();
    expect((await createAgent(token, { template_id: "educator" })).execution_config.model).toBe(
      "qwen2.5",
    );
    expect((await catalog(token)).default_model).toBe("qwen2.5");
  });

  it("is the extractive model without keys, and a model the owner names is kept whatever is configured", async () => {
    configure({});
    const { token } = await signIn();
    expect((await createAgent(token)).execution_config.model).toBe("extractive");
    expect((await catalog(token)).default_model).toBe("extractive");
    configure({ GROQ_API_KEY: "gsk-test" });
    expect(
      (await createAgent(token, { execution_config: { model: "extractive" } })).execution_config
        .model,
    ).toBe("extractive");
  });
});
