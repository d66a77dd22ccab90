/** Documents API bodies. */
import { z } from "zod";
import { freeText, singleLineText } from "../text.ts";
import { DOCUMENT_STATUSES } from "../documents.ts";
import { StoredMetadataSchema } from "../metadata.ts";

/** Where a document's chunk settings came from (workers/services/ingestion/chunk-settings.ts). */
export const CHUNKING_SOURCES = ["upload", "agents", "default"] as const;

/** The chunk settings (tokens) a document was last split with, and where they came from. */
export const DocumentChunkingSchema = z.object({
  chunk_size: z.number().int(),
  chunk_overlap: z.number().int(),
  source: z
    .enum(CHUNKING_SOURCES)
    .describe(
      "upload: values sent with the upload (kept on re-index); agents: the assigned agent's rag_config (with several, the smallest chunk_size); default: no agent and no values sent. Assigning agents does not re-chunk: re-index to apply their current settings.",
    ),
});
export type DocumentChunking = z.infer<typeof DocumentChunkingSchema>;

export const DocumentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  content_type: z.string(),
  size_bytes: z.number().int(),
  source_url: z.string().nullable(),
  collection_id: z.string().nullable(),
  status: z.enum(DOCUMENT_STATUSES),
  error: z.string().nullable(),
  chunk_count: z.number().int(),
  agent_ids: z.array(z.uuid()),
  /** The `metadata` sent with the upload (`{}` when none). */
  metadata: StoredMetadataSchema,
  job_id: z.string().nullable(),
  chunking: DocumentChunkingSchema,
  created_at: z.string(),
  updated_at: z.string(),
});
export type DocumentView = z.infer<typeof DocumentSchema>;

export const DocumentListQuerySchema = z.object({
  type: singleLineText().max(20).optional(),
  agent_id: z.uuid().optional(),
  status: z.enum(DOCUMENT_STATUSES).optional(),
  search: singleLineText().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const DocumentListSchema = z.object({
  documents: z.array(DocumentSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const DocumentAgentsSchema = z
  .object({
    agent_ids: z.array(z.uuid()).max(100),
    operation: z.enum(["set", "add", "remove"]).default("set"),
  })
  .strict();

export const DocumentDeletedSchema = z.object({
  id: z.uuid(),
  deleted: z.literal(true),
  chunks_deleted: z.number().int(),
  files_deleted: z.number().int(),
});

export const AgentSearchSchema = z
  .object({
    query: freeText().trim().min(1).max(2000),
    top_k: z.number().int().min(1).max(50).default(10),
    mode: z.enum(["dense", "fulltext", "hybrid"]).optional(),
  })
  .strict();

export const SearchResultSchema = z.object({
  chunk_id: z.string(),
  document_id: z.string(),
  document_name: z.string(),
  chunk_index: z.number().int(),
  page: z.number().int().nullable(),
  heading_path: z.array(z.string()),
  text: z.string(),
  score: z.number(),
  dense_score: z
    .number()
    .nullable()
    .describe(
      "Cosine of the passage's and the question's embeddings (null without a query vector)",
    ),
  text_score: z
    .number()
    .nullable()
    .describe("IDF-weighted share of the question's terms the passage contains, 0 to 1"),
  above_threshold: z
    .boolean()
    .describe(
      "Whether the agent's similarity_threshold keeps this passage: a chat turn uses only these",
    ),
});

export const AgentSearchResponseSchema = z.object({
  mode: z.string(),
  similarity_threshold: z.number(),
  results: z.array(SearchResultSchema),
});
