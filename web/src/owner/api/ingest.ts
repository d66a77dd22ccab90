/** Starting ingestion (a file, pasted text or a URL) and asking a job's progress. */
import { IngestResponseSchema, IngestStatusSchema } from "../../../../shared/api/ingest.ts";
import type { IngestionProgress } from "../../../../shared/protocol/ingestion.ts";
import { api } from "../../lib/api.ts";

/** Sends a file for ingestion; `onProgress` hears how much of it has been sent (0..1). */
export function uploadFile(
  file: File,
  agentIds: string[],
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
) {
  const form = new FormData();
  form.set("file", file, file.name);
  for (const id of agentIds) form.append("agent_ids[]", id);
  return api("/api/v1/ingest", {
    method: "POST",
    form,
    schema: IngestResponseSchema,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onUploadProgress: opts.onProgress } : {}),
  });
}

export function ingestText(body: { content: string; document_name?: string; agent_ids: string[] }) {
  return api("/api/v1/ingest", { method: "POST", body, schema: IngestResponseSchema });
}

export function ingestUrl(body: { url: string; document_name?: string; agent_ids: string[] }) {
  return api("/api/v1/ingest", { method: "POST", body, schema: IngestResponseSchema });
}

export function ingestStatus(jobId: string): Promise<IngestionProgress> {
  return api(`/api/v1/ingest/${encodeURIComponent(jobId)}/status`, { schema: IngestStatusSchema });
}
