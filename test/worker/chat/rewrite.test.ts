/**
 * The `advanced` query mode: the latest message is rewritten into a standalone query from
 * the conversation before retrieval. With a language model (Groq here, over an injected
 * fetch that records the wire request) the model's one-line rewrite is what gets searched;
 * with the offline extractive provider, or when the model fails, a deterministic rewrite
 * carries the previous user message's subject words into the query.
 *
 * The corpus is built so the difference shows: "When did it last erupt?" alone ranks the
 * Vesuvius passage first ("last erupted"); rewritten about Etna, the Etna passage wins.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../../shared/config.ts";
import type { AgentSnapshot } from "../../../workers/chat/agent-snapshot.ts";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import type { Secrets, WorkerEnv } from "../../../workers/env.ts";
import { KnowledgeBaseStore } from "../../../workers/knowledge/kb-store.ts";
import type { ChatTurn } from "../../../workers/llm/types.ts";
import { retrieveForTurn } from "../../../workers/chat/retrieve.ts";
import {
  REWRITE_INSTRUCTIONS,
  cleanRewrite,
  deterministicRewrite,
} from "../../../workers/chat/rewrite.ts";
import { errorResponse, fakeFetch, GROQ_KEY, groqEvents, sseResponse } from "../llm/fixtures.ts";

const NO_KEYS: Secrets = {
  GROQ_API_KEY: undefined,
  GROQ_MODELS: undefined,
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_MODELS: undefined,
  QDRANT_URL: undefined,
};
const offline: WorkerEnv = { ...env, ...NO_KEYS };
const withGroq: WorkerEnv = { ...env, ...NO_KEYS, GROQ_API_KEY: GROQ_KEY };

const DOCS = [
  {
    id: "doc-etna",
    text: "Mount Etna on Sicily erupted again in 2021: Etna's summit craters sent lava fountains and ash over Catania.",
  },
  {
    id: "doc-vesuvius",
    text: "Vesuvius last erupted in 1944; when it erupts again the towns around Naples will be evacuated.",
  },
  {
    id: "doc-bread",
    text: "Sourdough bread rises slowly with a wild yeast starter and a long fermentation.",
  },
];

const HISTORY: ChatTurn[] = [
  { role: "user", content: "Tell me about Mount Etna." },
  { role: "assistant", content: "It is an active volcano on Sicily [1]." },
];
const FOLLOW_UP = "When did it last erupt?";

async function agentWithDocuments(
  model: string,
  mode: "advanced" | "rag" = "advanced",
): Promise<AgentSnapshot> {
  const agent: AgentSnapshot = {
    id: crypto.randomUUID(),
    tenant_id: crypto.randomUUID(),
    name: "Volcano guide",
    description: null,
    system_prompt: "You answer from the documents.",
    execution_config: ExecutionConfigSchema.parse({ model }),
    query_config: QueryConfigSchema.parse({ mode, top_k: 3 }),
    mcp_servers: [],
  };
  const embedder = createLexicalEmbedder();
  const vectors = await embedder.embed(DOCS.map((d) => d.text));
  await new KnowledgeBaseStore(env.KNOWLEDGE_BASE).upsert(
    agent.tenant_id,
    embedder,
    DOCS.map((d, i) => ({
      id: `${d.id}:0`,
      document_id: d.id,
      document_name: `${d.id}.txt`,
      chunk_index: 0,
      text: d.text,
      page: null,
      heading_path: [],
      agent_ids: [agent.id],
      collection_id: null,
      vector: vectors[i] ?? [],
    })),
  );
  return agent;
}

describe("advanced query mode", () => {
  it("asks the agent's model for a standalone query and searches what it answers", async () => {
    const agent = await agentWithDocuments("llama-3.1-8b-instant");
    const wire = fakeFetch(() =>
      sseResponse(groqEvents(["When", " did", " Mount", " Etna", " last", " erupt?"])),
    );

    const turn = await retrieveForTurn(withGroq, agent, FOLLOW_UP, HISTORY, { fetch: wire.fetch });

    expect(wire.sent).toHaveLength(1);
    const [sent] = wire.sent;
    expect(sent?.url.href).toBe("https://api.groq.com/openai/v1/chat/completions");
    expect(sent?.headers.get("authorization")).toBe(`Bearer ${GROQ_KEY}`);
    expect(sent?.body).toMatchObject({
      model: "llama-3.1-8b-instant",
      temperature: 0,
      max_tokens: 128,
    });
    expect(sent?.body.messages).toEqual([
      { role: "system", content: REWRITE_INSTRUCTIONS },
      {
        role: "user",
        content: `Conversation:\nUser: Tell me about Mount Etna.\nAssistant: It is an active volcano on Sicily [1].\n\nLast message: ${FOLLOW_UP}\n\nStandalone query:`,
      },
    ]);
    expect(turn.query).toEqual({ query: "When did Mount Etna last erupt?", method: "llm" });
    expect(turn.passages[0]?.document_id).toBe("doc-etna");
  });

  it("searches the message as it is when there is no earlier user message, without calling the model", async () => {
    const agent = await agentWithDocuments("llama-3.1-8b-instant");
    const wire = fakeFetch(() => sseResponse(groqEvents(["unused"])));

    const turn = await retrieveForTurn(withGroq, agent, FOLLOW_UP, [], { fetch: wire.fetch });

    expect(wire.sent).toHaveLength(0);
    expect(turn.query).toEqual({ query: FOLLOW_UP, method: "none" });
    expect(turn.passages[0]?.document_id).toBe("doc-vesuvius");
  });

  it("falls back to the deterministic rewrite when the model fails, and still retrieves", async () => {
    const agent = await agentWithDocuments("llama-3.1-8b-instant");
    const wire = fakeFetch(() => errorResponse(503, "Service Unavailable"));

    const turn = await retrieveForTurn(withGroq, agent, FOLLOW_UP, HISTORY, { fetch: wire.fetch });

    expect(wire.sent).toHaveLength(1);
    expect(turn.query).toEqual({ query: `${FOLLOW_UP} mount etna`, method: "deterministic" });
    expect(turn.passages[0]?.document_id).toBe("doc-etna");
  });

  it("rewrites deterministically with the extractive provider, sending nothing anywhere", async () => {
    const agent = await agentWithDocuments("extractive");
    const wire = fakeFetch(() => sseResponse(groqEvents(["unused"])));

    const turn = await retrieveForTurn(offline, agent, FOLLOW_UP, HISTORY, { fetch: wire.fetch });
    // The same turn again finds the same passages (the rewrite is deterministic).
    const { passages } = await retrieveForTurn(offline, agent, FOLLOW_UP, HISTORY, {
      fetch: wire.fetch,
    });

    expect(wire.sent).toHaveLength(0);
    expect(turn.query).toEqual({ query: `${FOLLOW_UP} mount etna`, method: "deterministic" });
    expect(passages.map((p) => p.document_id)).toEqual(turn.passages.map((p) => p.document_id));
    expect(passages[0]?.document_id).toBe("doc-etna");
  });

  it("leaves rag mode's query alone, history or not", async () => {
    const agent = await agentWithDocuments("llama-3.1-8b-instant", "rag");
    const wire = fakeFetch(() => sseResponse(groqEvents(["unused"])));

    const turn = await retrieveForTurn(withGroq, agent, FOLLOW_UP, HISTORY, { fetch: wire.fetch });

    expect(wire.sent).toHaveLength(0);
    expect(turn.query.method).toBe("none");
    expect(turn.passages[0]?.document_id).toBe("doc-vesuvius");
  });
});

describe("rewrite helpers", () => {
  it("takes the model's first line without labels or quotes", () => {
    expect(
      cleanRewrite('\n  Standalone query: "When did Mount Etna last erupt?"\nBecause the user...'),
    ).toBe("When did Mount Etna last erupt?");
    expect(cleanRewrite("   \n ")).toBe("");
  });

  it("carries the previous user message's content words that the message lacks, filler and stop words left out", () => {
    const history: ChatTurn[] = [
      { role: "user", content: "Please explain the lava flows of Mount Etna" },
      { role: "assistant", content: "Basalt lava [1]." },
    ];
    expect(deterministicRewrite("How fast is the lava?", history)).toBe(
      "How fast is the lava? flows mount etna",
    );
    expect(deterministicRewrite("How fast?", [{ role: "assistant", content: "Hello!" }])).toBe(
      "How fast?",
    );
  });
});
