/** selectProvider: which provider answers for an agent's model in a given environment. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Secrets, WorkerEnv } from "../../../workers/env.ts";
import { selectProvider } from "../../../workers/llm/select.ts";
import {
  chatRequest,
  collect,
  fakeFetch,
  GROQ_KEY,
  groqEvents,
  OPENAI_KEY,
  openaiEvents,
  sseResponse,
} from "./fixtures.ts";

// Every secret spelled out, so a developer's .dev.vars cannot change what these tests see.
const NO_KEYS: Secrets = {
  GROQ_API_KEY: undefined,
  GROQ_MODELS: undefined,
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_MODELS: undefined,
};
const environment = (secrets: Secrets = {}): WorkerEnv => ({ ...env, ...NO_KEYS, ...secrets });

describe("selectProvider", () => {
  it("falls back to the extractive provider for any model when no key is configured", () => {
    for (const model of ["extractive", "llama-3.3-70b-versatile", "gpt-4o-mini", "unknown-model"]) {
      expect(selectProvider(environment(), model).name).toBe("extractive");
    }
  });

  it("uses Groq for a Groq model when GROQ_API_KEY is set, over the injected fetch", async () => {
    const wire = fakeFetch(() => sseResponse(groqEvents(["Hi"])));
    const provider = selectProvider(
      environment({ GROQ_API_KEY: GROQ_KEY }),
      "llama-3.1-8b-instant",
      { fetch: wire.fetch },
    );
    expect(provider.name).toBe("groq");
    await collect(provider.stream(chatRequest({ model: "llama-3.1-8b-instant" })));
    expect(wire.sent[0]?.url.href).toBe("https://api.groq.com/openai/v1/chat/completions");
  });

  it("uses the OpenAI-compatible provider at OPENAI_BASE_URL for a model from OPENAI_MODELS", async () => {
    const wire = fakeFetch(() => sseResponse(openaiEvents(["Hi"])));
    const secrets = {
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: "http://localhost:11434/v1",
      OPENAI_MODELS: "llama3.2, qwen2.5",
    };
    const provider = selectProvider(environment(secrets), "qwen2.5", { fetch: wire.fetch });
    expect(provider.name).toBe("openai");
    await collect(provider.stream(chatRequest({ model: "qwen2.5" })));
    expect(wire.sent[0]?.url.href).toBe("http://localhost:11434/v1/chat/completions");
  });

  it("falls back to extractive for a Groq model once only an OpenAI key is left", () => {
    expect(
      selectProvider(environment({ OPENAI_API_KEY: OPENAI_KEY }), "llama-3.3-70b-versatile").name,
    ).toBe("extractive");
  });

  it("keeps the extractive provider for the extractive model even when keys are set", () => {
    expect(
      selectProvider(
        environment({ GROQ_API_KEY: GROQ_KEY, OPENAI_API_KEY: OPENAI_KEY }),
        "extractive",
      ).name,
    ).toBe("extractive");
  });
});
