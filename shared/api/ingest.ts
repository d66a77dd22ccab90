/** Ingest API bodies: multipart uploads are read field by field; JSON uses this schema. */
import { z } from "zod";
import { freeText, singleLineText } from "../text.ts";
import { CONFIG_LIMITS } from "../config.ts";
import { MetadataSchema } from "../metadata.ts";
import { IngestionProgressSchema } from "../protocol/ingestion.ts";

export const ACCEPTED_TYPES = ["PDF", "DOCX", "HTML", "Markdown", "plain text", "CSV"] as const;

/** A document's name: the JSON body's `document_name`, or a multipart upload's file name. */
export const DocumentNameSchema = singleLineText().trim().min(1, "must not be empty").max(500);

const CHUNKING_RULE =
  "Unsent, the document uses its agent's rag_config (with several agents, the smallest chunk_size), or the default when it has none; sent values stay the document's own on re-index.";

export const IngestOptionsSchema = z.object({
  agent_ids: z.array(z.uuid()).max(100).default([]),
  /** One agent, as the original platform's clients send it; joined with `agent_ids`. */
  agent_id: z.uuid().optional(),
  /** Kept on the document and shown by the documents API. */
  metadata: MetadataSchema.optional(),
  collection_id: singleLineText().min(1).max(100).optional(),
  chunk_size: z
    .number()
    .int()
    .min(CONFIG_LIMITS.chunkSize.min)
    .max(CONFIG_LIMITS.chunkSize.max)
    .optional()
    .describe(`Tokens per chunk. ${CHUNKING_RULE}`),
  chunk_overlap: z
    .number()
    .int()
    .min(CONFIG_LIMITS.chunkOverlap.min)
    .max(CONFIG_LIMITS.chunkOverlap.max)
    .optional()
    .describe(`Tokens repeated from the previous chunk. ${CHUNKING_RULE}`),
});

export const IngestJsonSchema = IngestOptionsSchema.extend({
  document_name: DocumentNameSchema.optional(),
  content: freeText().min(1, "must not be empty").max(10_000_000).optional(),
  url: singleLineText().min(1).max(2048).optional(),
})
  .strict()
  .refine((b) => (b.content === undefined) !== (b.url === undefined), {
    message: "send exactly one of content or url",
    path: ["content"],
  })
  .refine(
    (b) =>
      b.chunk_overlap === undefined || b.chunk_size === undefined || b.chunk_overlap < b.chunk_size,
    { message: "chunk_overlap must be smaller than chunk_size", path: ["chunk_overlap"] },
  );

export const IngestResponseSchema = z.object({
  job_id: z.string(),
  document_id: z.string(),
  status: z.literal("processing"),
  websocket_url: z.string(),
});

export const IngestStatusSchema = IngestionProgressSchema;
