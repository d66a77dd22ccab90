/**
 * Agent configuration: the one source of defaults and ranges for execution, query and RAG
 * settings. Worker validation, the database defaults and the web forms all read from here,
 * so a value the UI offers is a value the API accepts.
 */
import { z } from "zod";
import { singleLineText } from "./text.ts";
import { ToolsConfigSchema } from "./tools.ts";
import { ExecutionModeSchema } from "./protocol/chat.ts";

/** Ranges and defaults, also exported plainly so forms can show them. */
export const CONFIG_LIMITS = {
  historyWindow: { min: 0, max: 100, default: 10 },
  maxIterations: { min: 1, max: 20, default: 5 },
  temperature: { min: 0, max: 2, default: 0.7 },
  maxTokens: { min: 1, max: 32768, default: 2048 },
  topP: { min: 0, max: 1, default: 1 },
  topK: { min: 1, max: 20, default: 5 },
  // The least relevance evidence a passage needs (workers/knowledge/relevance.ts). 0.15 keeps
  // every relevant passage of scifact-mini and, on squad2, 99% of them while most off-topic
  // questions retrieve nothing (bench/retrieval.ts, "similarity threshold").
  similarityThreshold: { min: 0, max: 1, default: 0.15 },
  chunkSize: { min: 64, max: 8192, default: 512 },
  chunkOverlap: { min: 0, max: 2048, default: 50 },
  embeddingDimensions: { min: 64, max: 4096, default: 1536 },
} as const;

/**
 * The offline extractive provider's model, which always exists: what a stored config naming no
 * model reads as. New agents and templates get the best configured provider's model instead
 * (workers/llm/models.ts `defaultModel`, served as GET /api/v1/models' default_model).
 */
export const DEFAULT_MODEL = "extractive";
export const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";

const num = (
  range: { min: number; max: number; default: number },
  int = false,
  description?: string,
) => {
  const n = (int ? z.number().int() : z.number()).min(range.min).max(range.max);
  // Described inside the default, so request bodies (which unwrap defaults) keep the text too.
  return (description ? n.describe(description) : n).default(range.default);
};

/** How the LLM call is made: mode, model, sampling, memory and tools. */
export const ExecutionConfigSchema = z
  .object({
    // `simple` answers in one model call with the passages retrieval found (query_config);
    // `advanced` is a bounded loop where the model calls tools (shared/tools.ts), at most
    // `max_iterations` model calls per turn. A visitor's message runs in this mode.
    mode: ExecutionModeSchema.default("simple"),
    model: singleLineText().min(1).max(200).default(DEFAULT_MODEL),
    temperature: num(CONFIG_LIMITS.temperature),
    max_tokens: num(CONFIG_LIMITS.maxTokens, true),
    top_p: num(CONFIG_LIMITS.topP),
    history_window: num(CONFIG_LIMITS.historyWindow, true),
    max_iterations: num(CONFIG_LIMITS.maxIterations, true),
    tools: ToolsConfigSchema.default(ToolsConfigSchema.parse({})),
  })
  .strict();
export type ExecutionConfig = z.infer<typeof ExecutionConfigSchema>;

export const QUERY_MODES = ["simple", "rag", "advanced"] as const;
export const SEARCH_MODES = ["dense", "fulltext", "hybrid"] as const;

/** What `similarity_threshold` means, for forms and the API description (one wording). */
export const SIMILARITY_THRESHOLD_MEANING =
  "A passage is used only if its relevance reaches this, in any search mode: the share of the question's words it contains, " +
  "rare words counting more than common ones, or, with a model embedding, its similarity in meaning. 0 uses every passage found; " +
  "higher values leave out weak matches, so a question your documents do not cover gets no passage and the answer says so.";

/** How retrieval runs for a chat turn. */
export const QueryConfigSchema = z
  .object({
    mode: z.enum(QUERY_MODES).default("rag"),
    search_mode: z.enum(SEARCH_MODES).default("hybrid"),
    top_k: num(CONFIG_LIMITS.topK, true),
    similarity_threshold: num(
      CONFIG_LIMITS.similarityThreshold,
      false,
      SIMILARITY_THRESHOLD_MEANING,
    ),
  })
  .strict();
export type QueryConfig = z.infer<typeof QueryConfigSchema>;

/** The RAG settings' fields, without the cross-field rule (partial bodies build on this). */
export const RAGConfigFieldsSchema = z
  .object({
    chunk_size: num(CONFIG_LIMITS.chunkSize, true),
    chunk_overlap: num(CONFIG_LIMITS.chunkOverlap, true),
    embedding_model: singleLineText().min(1).max(200).default(DEFAULT_EMBEDDING_MODEL),
    embedding_dimensions: num(CONFIG_LIMITS.embeddingDimensions, true),
  })
  .strict();

/** How documents are chunked and embedded for this agent's knowledge. */
export const RAGConfigSchema = RAGConfigFieldsSchema.refine((c) => c.chunk_overlap < c.chunk_size, {
  message: "chunk_overlap must be smaller than chunk_size",
  path: ["chunk_overlap"],
});
export type RAGConfig = z.infer<typeof RAGConfigSchema>;

export const defaultExecutionConfig = (): ExecutionConfig => ExecutionConfigSchema.parse({});
export const defaultQueryConfig = (): QueryConfig => QueryConfigSchema.parse({});
export const defaultRAGConfig = (): RAGConfig => RAGConfigSchema.parse({});
