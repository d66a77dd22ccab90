/** Helpers for the documents API tests: ingested documents, the API, and what an agent can find. */
import type { z } from "zod";
import type { DocumentListSchema, DocumentView } from "../../../shared/api/documents.ts";
import { api } from "../helpers.ts";
import { drain, ingestText } from "../ingestion/pipeline.ts";

export type DocumentList = z.infer<typeof DocumentListSchema>;

/** Ingests `content` as `name` and runs the pipeline to its end. */
export async function ingested(
  token: string,
  name: string,
  content: string,
  opts: Record<string, unknown> = {},
) {
  const job = await ingestText(token, content, { document_name: name, ...opts });
  await drain(job.job_id);
  return job;
}

export async function getJson<T>(
  path: string,
  token: string,
): Promise<{ status: number; body: T }> {
  const res = await api(path, { token });
  return { status: res.status, body: (await res.json()) as T };
}

export async function listDocuments(token: string, query = ""): Promise<DocumentList> {
  const res = await getJson<DocumentList>(`/api/v1/documents${query}`, token);
  if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const names = (list: { documents: DocumentView[] }) =>
  list.documents.map((d) => d.name).sort();

/** Names of the documents whose chunks `agentId` retrieves for `query` (full-text). */
export async function foundBy(token: string, agentId: string, query: string): Promise<string[]> {
  const res = await api(`/api/v1/agents/${agentId}/search`, {
    method: "POST",
    token,
    json: { query, top_k: 20, mode: "fulltext" },
  });
  if (res.status !== 200) throw new Error(`search failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { results: { document_name: string }[] };
  return [...new Set(body.results.map((r) => r.document_name))].sort();
}
