/** The owner's documents: list, read, delete everywhere, assign agents, re-index. */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  DocumentAgentsSchema,
  DocumentDeletedSchema,
  DocumentListQuerySchema,
  DocumentListSchema,
  DocumentSchema,
} from "../../../shared/api/documents.ts";
import { IngestResponseSchema } from "../../../shared/api/ingest.ts";
import { agentChunking } from "../../db/agents.ts";
import {
  changeDocumentAgents,
  deleteDocumentRow,
  getDocument,
  listDocuments,
  setDocumentChunking,
  setDocumentStatus,
} from "../../db/documents.ts";
import type { StoredDocument } from "../../db/documents.ts";
import { AppError, notFound } from "../../errors.ts";
import type { AppEnv } from "../../env.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import { cancelAndSettle } from "../../services/ingestion/settle.ts";
import { resolveChunking } from "../../services/ingestion/chunk-settings.ts";
import { startJob } from "../../services/ingestion/start.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  isUuid,
  json,
  validationError,
} from "../router.ts";

const IdParam = z.object({ id: z.string().max(100) });

/** Strips storage internals from what the API shows. */
const view = ({ r2_key: _k, explicit_chunking: _e, ...d }: StoredDocument) => d;

/** Stops the document's job if it is still running, and settles what it owes the row. */
async function cancelJob(c: Context<AppEnv>, jobId: string): Promise<void> {
  const job = c.env.INGESTION_JOB.get(c.env.INGESTION_JOB.idFromName(jobId));
  await cancelAndSettle(c.var.db(), job);
}

async function ownedDocument(c: Context<AppEnv>, id: string): Promise<StoredDocument> {
  const doc = isUuid(id) ? await getDocument(c.var.db(), c.var.tenant.id, id.toLowerCase()) : null;
  if (!doc) throw notFound("DOCUMENT_NOT_FOUND", "The document");
  return doc;
}

export const documentRoutes = createRouter();
documentRoutes.use("*", requireOwner);

documentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["knowledge"],
    summary: "Your documents (filters: type, agent, status; search by name)",
    security: bearerSecurity,
    request: { query: DocumentListQuerySchema },
    responses: {
      200: { description: "A page of documents", ...json(DocumentListSchema) },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const { documents, total } = await listDocuments(c.var.db(), c.var.tenant.id, q);
    return c.json({ documents: documents.map(view), total, limit: q.limit, offset: q.offset }, 200);
  },
);

documentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["knowledge"],
    summary: "One document",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "The document", ...json(DocumentSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => c.json(view(await ownedDocument(c, c.req.valid("param").id)), 200),
);

documentRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["knowledge"],
    summary: "Delete a document everywhere: its chunks, its files and its row",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "What was deleted", ...json(DocumentDeletedSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const doc = await ownedDocument(c, c.req.valid("param").id);
    const tenantId = c.var.tenant.id;
    // Counted before the job is stopped: a cancelled job removes its own partial chunks and
    // hand-over files, and the owner is told what the document had, not what was left.
    const { deleted: chunks } = await selectVectorStore(c.env).deleteDocument(tenantId, doc.id);
    const prefix = `tenants/${tenantId}/documents/${doc.id}/`;
    let files = 0;
    for (let cursor: string | undefined, more = true; more;) {
      const listed = await c.env.DOCUMENTS.list({ prefix, ...(cursor ? { cursor } : {}) });
      if (listed.objects.length) await c.env.DOCUMENTS.delete(listed.objects.map((o) => o.key));
      files += listed.objects.length;
      more = listed.truncated;
      cursor = listed.truncated ? listed.cursor : undefined;
    }
    if (doc.job_id) await cancelJob(c, doc.job_id);
    await deleteDocumentRow(c.var.db(), tenantId, doc.id);
    c.var.log.info("document deleted", { document_id: doc.id, chunks, files });
    return c.json(
      { id: doc.id, deleted: true as const, chunks_deleted: chunks, files_deleted: files },
      200,
    );
  },
);

documentRoutes.openapi(
  createRoute({
    method: "put",
    path: "/{id}/agents",
    tags: ["knowledge"],
    summary: "Set, add or remove the agents that answer from a document",
    security: bearerSecurity,
    description:
      "Body: {agent_ids, operation: set|add|remove}. Takes effect at once for retrieval; the chunks are not re-made, so `chunking` still shows the settings the document was split with: re-index it to apply the agents' current chunk settings.",
    request: { params: IdParam },
    responses: {
      200: { description: "The document", ...json(DocumentSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const doc = await ownedDocument(c, c.req.valid("param").id);
    // Validated after the ownership check, so another tenant's id is a 404 whatever the body.
    const parsed = DocumentAgentsSchema.safeParse(
      await c.req.json().catch(() => {
        throw new AppError("MALFORMED_JSON", 400, "The request body is not valid JSON.");
      }),
    );
    if (!parsed.success) throw validationError(parsed.error.issues);
    const agentIds = parsed.data.agent_ids.map((a) => a.toLowerCase());
    const result = await changeDocumentAgents(
      c.var.db(),
      c.var.tenant.id,
      doc.id,
      agentIds,
      parsed.data.operation,
    );
    if (!result) throw notFound("DOCUMENT_NOT_FOUND", "The document");
    await selectVectorStore(c.env).setDocumentAgents(c.var.tenant.id, doc.id, result);
    return c.json(view({ ...doc, agent_ids: result }), 200);
  },
);

documentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/reindex",
    tags: ["knowledge"],
    summary: "Parse, chunk and embed the stored original again",
    security: bearerSecurity,
    description:
      "Chunks with the values sent at upload if there were any, else with the current rag_config of the document's agents (with several, the smallest chunk_size), else the defaults.",
    request: { params: IdParam },
    responses: {
      202: { description: "Processing started", ...json(IngestResponseSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const doc = await ownedDocument(c, c.req.valid("param").id);
    if (!doc.r2_key)
      throw new AppError(
        "DOCUMENT_NOT_FOUND",
        404,
        "The document's original file is gone; upload it again.",
      );
    if (doc.job_id) await cancelJob(c, doc.job_id);
    const jobId = crypto.randomUUID();
    const sql = c.var.db();
    const chunking = resolveChunking(
      doc.explicit_chunking,
      await agentChunking(sql, c.var.tenant.id, doc.agent_ids),
    );
    await setDocumentChunking(sql, c.var.tenant.id, doc.id, chunking);
    await setDocumentStatus(sql, c.var.tenant.id, doc.id, {
      status: "pending",
      error: null,
      job_id: jobId,
    });
    await startJob(c.env, c.var.tenant.id, { ...doc, chunking }, jobId, doc.r2_key);
    const url = new URL(c.req.url);
    return c.json(
      {
        job_id: jobId,
        document_id: doc.id,
        status: "processing" as const,
        websocket_url: `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}/ws/ingest/${jobId}`,
      },
      202,
    );
  },
);
