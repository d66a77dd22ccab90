/**
 * Retrieval for a chat turn, called by the turn's run in its ChatSession (and by the owners'
 * hit-testing endpoint): the passages of the agent's own documents that best match the
 * visitor's message, per the agent's query_config.
 * `simple` retrieves nothing; `rag` searches the visitor's message in the configured mode;
 * `advanced` searches hybrid for the message rewritten into a standalone query from the
 * recent conversation (rewrite.ts: by the agent's language model, or a deterministic rule
 * when it has none). In every mode the similarity threshold then drops the passages whose
 * evidence of relevance is below it (workers/knowledge/relevance.ts: the question's
 * IDF-weighted terms found in the passage, or the embeddings' cosine), so a question the
 * knowledge does not cover retrieves nothing and the answer says so.
 */
import type { QueryConfig } from "../../shared/config.ts";
import type { AgentSnapshot } from "./agent-snapshot.ts";
import { selectEmbedder } from "../embeddings/select.ts";
import type { WorkerEnv } from "../env.ts";
import { passesThreshold, withSignals } from "../knowledge/relevance.ts";
import { selectVectorStore } from "../knowledge/select.ts";
import type { SearchHit, SearchMode } from "../knowledge/vector-store.ts";
import type { ChatTurn, Passage } from "../llm/types.ts";
import { rewriteQuery } from "./rewrite.ts";
import type { RewriteOptions, RewrittenQuery } from "./rewrite.ts";

export interface SearchRequest {
  tenantId: string;
  agentId: string;
  query: string;
  topK: number;
  mode: SearchMode;
  similarityThreshold?: number;
}

/**
 * Ranked chunks of one agent's documents (also the owners' hit-testing endpoint). `rewrite`,
 * when given, turns the query into the one searched, and only runs when there is something
 * to search (an agent without documents costs no rewrite).
 */
export async function searchKnowledge(
  env: WorkerEnv,
  req: SearchRequest,
  rewrite?: (query: string) => Promise<string>,
): Promise<SearchHit[]> {
  const store = selectVectorStore(env);
  const info = await store.collectionInfo(req.tenantId);
  if (!info || info.chunks === 0) return [];
  const text = rewrite ? await rewrite(req.query) : req.query;
  let mode = req.mode;
  let vector: number[] | undefined;
  if (mode !== "fulltext") {
    const embedder = selectEmbedder(env);
    // Vectors made by another model are not comparable: fall back to words alone.
    if (embedder.model === info.embedding_model && embedder.dimensions === info.dimensions)
      vector = (await embedder.embed([text]))[0];
    else mode = "fulltext";
  }
  const hits = await store.search(req.tenantId, {
    text,
    ...(vector ? { vector } : {}),
    mode,
    top_k: req.topK,
    agent_id: req.agentId,
  });
  const threshold = req.similarityThreshold;
  const judged = hits.map((h) => withSignals(h, text, mode));
  return threshold === undefined ? judged : judged.filter((h) => passesThreshold(h, threshold));
}

export function searchModeFor(config: QueryConfig): SearchMode {
  return config.mode === "advanced" ? "hybrid" : config.search_mode;
}

/** What one chat turn retrieved, and the query it searched for. */
export interface TurnRetrieval {
  passages: Passage[];
  query: RewrittenQuery;
}

/**
 * Passages for the prompt of a chat turn, and the query searched. `history` (earlier turns,
 * oldest first, without this message) is optional: without it `advanced` searches the message
 * as it is.
 */
export async function retrieveForTurn(
  env: WorkerEnv,
  agent: AgentSnapshot,
  message: string,
  history: ChatTurn[] = [],
  opts: RewriteOptions = {},
): Promise<TurnRetrieval> {
  const config = agent.query_config;
  const asIs: RewrittenQuery = { query: message, method: "none" };
  if (config.mode === "simple") return { passages: [], query: asIs };
  let query = asIs;
  const rewrite = async () =>
    (query = await rewriteQuery(env, agent, message, history, opts)).query;
  const hits = await searchKnowledge(
    env,
    {
      tenantId: agent.tenant_id,
      agentId: agent.id,
      query: message,
      topK: config.top_k,
      mode: searchModeFor(config),
      similarityThreshold: config.similarity_threshold,
    },
    config.mode === "advanced" ? rewrite : undefined,
  );
  return { passages: toPassages(hits), query };
}

/**
 * What a hit's score means to a visitor and to the threshold: the higher of its term coverage
 * and its embedding cosine (relevance.ts), the signals `similarity_threshold` is compared with,
 * so a passage that passed shows a score at or above it. The store's ranking score is not
 * shown: in hybrid mode it is fused and normalised per query (its best hit scores 1, its
 * others 0.2 whatever their relevance), so it contradicted the threshold the owner set.
 * A hit without either signal keeps its ranking score.
 */
export function relevanceOf(hit: SearchHit): number {
  const signals = [hit.dense_score, hit.text_score].filter((s): s is number => s !== undefined);
  return signals.length > 0 ? Math.max(...signals) : hit.score;
}

/** The same passage text whatever its spacing and case (one document uploaded twice). */
const sameText = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

/** Hits as prompt passages, in rank order, a passage whose text an earlier one has left out. */
export function toPassages(hits: SearchHit[]): Passage[] {
  const seen = new Set<string>();
  return hits.flatMap((h) => {
    const key = sameText(h.text);
    if (seen.has(key)) return [];
    seen.add(key);
    return [
      {
        document_id: h.document_id,
        document_name: h.document_name,
        page: h.page,
        section: h.heading_path.length > 0 ? h.heading_path.join(" › ") : null,
        text: h.text,
        score: relevanceOf(h),
      },
    ];
  });
}
