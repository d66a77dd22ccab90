/**
 * The Workers AI embedder at the binding: bge-m3's 1024-dimension vectors in input order,
 * requests within the model's 100-text and context limits, answers of the wrong shape
 * refused, capacity errors retried, and its place in the embedder's order of preference.
 */
import { describe, expect, it } from "vitest";
import type { AiBinding } from "../../../workers/env.ts";
import { selectEmbedder } from "../../../workers/embeddings/select.ts";
import {
  createWorkersAiEmbedder,
  WORKERS_AI_EMBEDDING_LIMITS,
} from "../../../workers/embeddings/workers-ai.ts";
import { estimateTokens } from "../../../workers/ingestion/tokens.ts";

interface EmbedCall {
  model: string;
  text: string[];
  truncate_inputs: unknown;
}

/** A fake binding answering `{shape, data}`: vector i is [length of text i, 0, 0, …]. */
function fakeBinding(failures: unknown[] = [], dims = 1024) {
  const calls: EmbedCall[] = [];
  const ai: AiBinding = {
    async run(model, inputs) {
      const text = inputs.text;
      if (!Array.isArray(text) || !text.every((t) => typeof t === "string"))
        throw new Error("5004: text must be a string array");
      calls.push({ model, text, truncate_inputs: inputs.truncate_inputs });
      const failure = failures.shift();
      if (failure) throw failure;
      const data = text.map((t) => [t.length, ...new Array<number>(dims - 1).fill(0)]);
      return { shape: [text.length, dims], data, pooling: "cls" };
    },
  };
  return { ai, calls };
}

const noWait = { sleep: async () => {}, random: () => 0 };

describe("the Workers AI embedder", () => {
  it("embeds with bge-m3 in batches of at most 100 texts, vectors in input order", async () => {
    const binding = fakeBinding();
    const embedder = createWorkersAiEmbedder({ ai: binding.ai });
    expect(embedder).toMatchObject({ model: "@cf/baai/bge-m3", dimensions: 1024 });
    const texts = Array.from({ length: 250 }, (_, i) => "x".repeat(i + 1));
    const vectors = await embedder.embed(texts);
    expect(binding.calls.map((c) => c.text.length)).toEqual([100, 100, 50]);
    expect(
      binding.calls.every((c) => c.model === "@cf/baai/bge-m3" && c.truncate_inputs === true),
    ).toBe(true);
    expect(vectors).toHaveLength(250);
    expect(vectors.map((v) => v[0])).toEqual(texts.map((t) => t.length));
    expect(vectors.every((v) => v.length === 1024)).toBe(true);
  });

  it("keeps each request within the context budget and cuts an input past the model's length", async () => {
    const binding = fakeBinding();
    const embedder = createWorkersAiEmbedder({ ai: binding.ai });
    const chunk = "word ".repeat(3_000);
    const long = "word ".repeat(20_000);
    await embedder.embed([...Array<string>(20).fill(chunk), long, ""]);
    for (const call of binding.calls) {
      const tokens = call.text.reduce((sum, t) => sum + estimateTokens(t), 0);
      expect(tokens).toBeLessThanOrEqual(WORKERS_AI_EMBEDDING_LIMITS.maxEstimatedTokensPerRequest);
    }
    const sent = binding.calls.flatMap((c) => c.text);
    expect(sent).toHaveLength(22);
    expect(estimateTokens(sent[20] ?? "")).toBeLessThanOrEqual(
      WORKERS_AI_EMBEDDING_LIMITS.maxEstimatedTokensPerInput,
    );
    // The model refuses empty text; an empty chunk is sent as a space.
    expect(sent[21]).toBe(" ");
  });

  it("retries a batch the binding refused for capacity, and gives up on an unknown model at once", async () => {
    const busy = fakeBinding([new Error("3040: Capacity temporarily exceeded, please try again.")]);
    const vectors = await createWorkersAiEmbedder({ ai: busy.ai, retry: noWait }).embed([
      "a",
      "bb",
    ]);
    expect(busy.calls).toHaveLength(2);
    expect(vectors.map((v) => v[0])).toEqual([1, 2]);

    const missing = fakeBinding([new Error("5007: No such model @cf/baai/bge-m3 or task")]);
    await expect(
      createWorkersAiEmbedder({ ai: missing.ai, retry: noWait }).embed(["a"]),
    ).rejects.toMatchObject({ kind: "rejected" });
    expect(missing.calls).toHaveLength(1);
  });

  it("refuses an answer with the wrong number of vectors or the wrong dimensions", async () => {
    const short = fakeBinding([], 768);
    await expect(createWorkersAiEmbedder({ ai: short.ai }).embed(["a"])).rejects.toThrow(
      /1024-dimension vector/,
    );
    const none: AiBinding = { run: async () => ({ shape: [0, 1024], data: [] }) };
    await expect(createWorkersAiEmbedder({ ai: none }).embed(["a"])).rejects.toThrow(/1 vectors/);
  });

  it("is chosen when the AI binding is set and no OpenAI key is, after OpenAI and before the lexical embedding", () => {
    const { ai } = fakeBinding();
    expect(selectEmbedder({ AI: ai }).model).toBe("@cf/baai/bge-m3");
    expect(selectEmbedder({ AI: ai, OPENAI_API_KEY: "sk-test" }).model).toBe(
      "text-embedding-3-small",
    );
    expect(selectEmbedder({}).model).toBe("nooble-lexical-v1");
  });
});
