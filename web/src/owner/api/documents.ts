/** The owner's documents: list with filters, assign agents, delete, re-index. */
import { z } from "zod";
import {
  DocumentDeletedSchema,
  DocumentListSchema,
  DocumentSchema,
} from "../../../../shared/api/documents.ts";
import type { DocumentView } from "../../../../shared/api/documents.ts";
import { IngestResponseSchema } from "../../../../shared/api/ingest.ts";
import type { DocumentStatus } from "../../../../shared/documents.ts";
import { api, query } from "../../lib/api.ts";

/**
 * `agent_ids` as the server should send it (a JSON array), or as it does today through the
 * local Hyperdrive/PGlite path: Postgres' array literal `{id,id}` as a string (reported as an
 * API bug). Either way the page gets an array.
 */
const agentIds = z.preprocess(
  (v) =>
    typeof v === "string"
      ? v
          .replace(/^\{|\}$/g, "")
          .split(",")
          .map((s) => s.trim().replace(/^"|"$/g, ""))
          .filter(Boolean)
      : v,
  z.array(z.uuid()),
);
const Document = DocumentSchema.extend({ agent_ids: agentIds });
const DocumentList = DocumentListSchema.extend({ documents: z.array(Document) });

export interface DocumentFilter {
  type?: string;
  agent_id?: string;
  status?: DocumentStatus;
  search?: string;
  limit?: number;
  offset?: number;
}

export function listDocuments(filter: DocumentFilter = {}) {
  return api(`/api/v1/documents${query({ limit: 50, ...filter })}`, { schema: DocumentList });
}

export function setDocumentAgents(id: string, agentIds: string[]): Promise<DocumentView> {
  return api(`/api/v1/documents/${encodeURIComponent(id)}/agents`, {
    method: "PUT",
    body: { agent_ids: agentIds, operation: "set" },
    schema: Document,
  });
}

export function deleteDocument(id: string) {
  return api(`/api/v1/documents/${encodeURIComponent(id)}`, {
    method: "DELETE",
    schema: DocumentDeletedSchema,
  });
}

export function reindexDocument(id: string) {
  return api(`/api/v1/documents/${encodeURIComponent(id)}/reindex`, {
    method: "POST",
    schema: IngestResponseSchema,
  });
}
