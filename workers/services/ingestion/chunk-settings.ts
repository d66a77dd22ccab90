/**
 * Which chunk size and overlap (in tokens, as workers/ingestion/chunk.ts counts them) a
 * document is split with, decided when it is uploaded and again each time it is re-indexed:
 *
 * 1. Values sent with the upload (`chunk_size`, `chunk_overlap`) win, field by field, and stay
 *    the document's own: a re-index uses them again.
 * 2. Otherwise the settings of the agents the document is assigned to: with one agent, its
 *    `rag_config`; with several, the agent with the smallest chunk size (ties: the smaller
 *    overlap). A chunk size is each agent's upper bound on passage length (often chosen for a
 *    small model's context or a precise retrieval); the smallest one satisfies every agent,
 *    while an agent that wanted longer passages still gets every relevant one and can raise
 *    its top K. Choosing by size, not by assignment order, makes the result the same however
 *    the agents were added.
 * 3. Otherwise the shared defaults (shared/config.ts).
 *
 * Assigning agents later does not re-chunk the document: re-chunking re-embeds every chunk
 * (paid calls with a model embedding) and would silently change what the owner tested. The
 * document shows the settings it was split with; POST /documents/{id}/reindex applies the
 * current ones.
 */
import { CONFIG_LIMITS } from "../../../shared/config.ts";
import type { DocumentChunking } from "../../../shared/api/documents.ts";

/** Chunk settings sent with an upload; either may be missing. */
export interface ExplicitChunking {
  chunk_size?: number | undefined;
  chunk_overlap?: number | undefined;
}

/** One assigned agent's chunk settings (its rag_config). */
export interface AgentChunking {
  chunk_size: number;
  chunk_overlap: number;
}

export function resolveChunking(
  explicit: ExplicitChunking,
  agents: AgentChunking[],
): DocumentChunking {
  const smallest = agents.reduce<AgentChunking | null>(
    (best, a) =>
      !best ||
      a.chunk_size < best.chunk_size ||
      (a.chunk_size === best.chunk_size && a.chunk_overlap < best.chunk_overlap)
        ? a
        : best,
    null,
  );
  const base = smallest ?? {
    chunk_size: CONFIG_LIMITS.chunkSize.default,
    chunk_overlap: CONFIG_LIMITS.chunkOverlap.default,
  };
  const fromUpload = explicit.chunk_size !== undefined || explicit.chunk_overlap !== undefined;
  return {
    chunk_size: explicit.chunk_size ?? base.chunk_size,
    chunk_overlap: explicit.chunk_overlap ?? base.chunk_overlap,
    source: fromUpload ? "upload" : smallest ? "agents" : "default",
  };
}
