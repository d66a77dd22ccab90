/**
 * POST /api/v1/ingest (multipart file, or JSON with content or url), job status, cancel, and
 * the progress WebSocket `/ws/ingest/{id}?token=<owner access token>`. The file's type is
 * decided by its content, not its name.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  ACCEPTED_TYPES,
  DocumentNameSchema,
  IngestJsonSchema,
  IngestOptionsSchema,
  IngestResponseSchema,
  IngestStatusSchema,
} from "../../../shared/api/ingest.ts";
import { METADATA_LIMITS } from "../../../shared/metadata.ts";
import { verifyAccessToken } from "../../auth/verify-token.ts";
import { AppError, notFound } from "../../errors.ts";
import type { AppEnv } from "../../env.ts";
import { DEFAULT_DOH_URL, dohResolver } from "../../ingestion/dns-resolve.ts";
import { fetchPublicUrl, UrlFetchError } from "../../ingestion/url-fetch.ts";
import { sniffKind } from "../../ingestion/sniff.ts";
import { isOriginAllowed } from "../../chat/origin.ts";
import { cancelAndSettle } from "../../services/ingestion/settle.ts";
import { startIngestion } from "../../services/ingestion/start.ts";
import { progressOf } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
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

export const maxUploadBytes = (c: Context<AppEnv>) => {
  const n = Number(c.env.MAX_UPLOAD_BYTES);
  return Number.isFinite(n) && n > 0 ? n : 50 * 1024 * 1024;
};
/** 52428800 -> "50 MB", 102400 -> "100 KB" (a limit under 1 MB must not read "0 MB"). */
const formatLimit = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.floor((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.max(1, Math.floor(bytes / 1024))} KB`;
const tooLarge = (limit: number) =>
  new AppError("PAYLOAD_TOO_LARGE", 413, `Files can be at most ${formatLimit(limit)}.`);
const unsupported = () =>
  new AppError(
    "UNSUPPORTED_TYPE",
    415,
    `This file type is not supported. Accepted: ${ACCEPTED_TYPES.join(", ")}.`,
  );

/** The job named in the path, if it belongs to the caller's tenant (otherwise 404, like a missing one). */
async function ownedJob(c: Context<AppEnv>, id: string, tenantId: string) {
  if (!isUuid(id)) throw notFound("JOB_NOT_FOUND", "The ingestion job");
  const stub = c.env.INGESTION_JOB.get(c.env.INGESTION_JOB.idFromName(id.toLowerCase()));
  const state = await stub.getState();
  if (!state || state.tenant_id !== tenantId) throw notFound("JOB_NOT_FOUND", "The ingestion job");
  return { stub, state };
}

function numberField(form: FormData, name: string): number | undefined {
  const v = form.get(name);
  return typeof v === "string" && v.trim() !== "" ? Number(v) : undefined;
}

/** agent_ids[] repeated, agent_ids repeated, comma-separated, or a JSON array. */
function agentIdsField(form: FormData): string[] {
  const values = [...form.getAll("agent_ids[]"), ...form.getAll("agent_ids")].filter(
    (v): v is string => typeof v === "string",
  );
  return values
    .flatMap((v) => {
      if (!v.trim().startsWith("[")) return v.split(",");
      const list: unknown = JSON.parse(v);
      if (!Array.isArray(list)) throw new Error("agent_ids is not a list");
      return list.map(String);
    })
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `metadata` as a multipart field: a JSON object in text (the object itself is checked by the schema). */
function metadataField(form: FormData): unknown {
  const values = form.getAll("metadata");
  if (values.length === 0) return undefined;
  const [text] = values;
  const fail = (message: string) =>
    new AppError("VALIDATION_FAILED", 400, `The request is not valid: metadata: ${message}`, [
      { field: "metadata", message },
    ]);
  if (values.length > 1 || typeof text !== "string")
    throw fail("send one text field holding a JSON object");
  try {
    return JSON.parse(text);
  } catch {
    throw fail('must be a JSON object, such as {"source": "crm"}');
  }
}

/** `agent_id` as a multipart field: one id (several go in `agent_ids`). */
function agentIdField(form: FormData): string | undefined {
  const values = form.getAll("agent_id");
  if (values.length === 0) return undefined;
  const [value] = values;
  if (values.length > 1 || typeof value !== "string") {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      "The request is not valid: agent_id: send one agent id (use agent_ids for several).",
      [{ field: "agent_id", message: "send one agent id (use agent_ids for several)" }],
    );
  }
  return value.trim();
}

export const ingestRoutes = createRouter();
ingestRoutes.use("*", requireOwner);

ingestRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["knowledge"],
    security: bearerSecurity,
    summary:
      "Upload a document (multipart `file`) or ingest text (`content`) or a public URL (`url`)",
    description: `Multipart fields: file, agent_ids[] (repeatable), agent_id, metadata (a JSON object as text), collection_id, chunk_size, chunk_overlap. JSON: {document_name, content | url, agent_ids, agent_id, metadata, collection_id, chunk_size, chunk_overlap}. \`agent_id\` joins \`agent_ids\`; \`metadata\` (at most ${METADATA_LIMITS.maxKeys} keys of short values) is kept on the document. Accepted types (decided by content): ${ACCEPTED_TYPES.join(", ")}.`,
    responses: {
      202: { description: "Processing started", ...json(IngestResponseSchema) },
      ...errorResponses(400, 401, 404, 413),
    },
  }),
  async (c) => {
    const tenantId = c.var.tenant.id;
    const limit = maxUploadBytes(c);
    const declared = Number(c.req.header("content-length"));
    if (Number.isFinite(declared) && declared > limit + 1024 * 1024) throw tooLarge(limit);
    const type = c.req.header("content-type") ?? "";
    let bytes: Uint8Array;
    let name: string;
    let mime: string;
    let sourceUrl: string | null = null;
    let options;
    if (type.startsWith("multipart/form-data")) {
      const form = await c.req.formData().catch(() => {
        // The runtime refuses the whole body, e.g. for a NUL in a part's headers (a file name).
        throw new AppError(
          "VALIDATION_FAILED",
          400,
          "The multipart body could not be read: check that it is well formed and that no file name contains control characters such as NUL.",
        );
      });
      const file = form.get("file");
      if (!(file instanceof File))
        throw new AppError(
          "VALIDATION_FAILED",
          400,
          "Send the document in a multipart field named `file`.",
          [{ field: "file", message: "required" }],
        );
      if (file.size > limit) throw tooLarge(limit);
      let agentIds: string[];
      try {
        agentIds = agentIdsField(form);
      } catch {
        throw new AppError(
          "VALIDATION_FAILED",
          400,
          "agent_ids must be agent ids (repeated fields, comma-separated, or a JSON array).",
          [{ field: "agent_ids", message: "malformed" }],
        );
      }
      const parsed = IngestOptionsSchema.safeParse({
        agent_ids: agentIds,
        agent_id: agentIdField(form),
        metadata: metadataField(form),
        collection_id:
          typeof form.get("collection_id") === "string"
            ? String(form.get("collection_id"))
            : undefined,
        chunk_size: numberField(form, "chunk_size"),
        chunk_overlap: numberField(form, "chunk_overlap"),
      });
      if (!parsed.success) throw validationError(parsed.error.issues);
      options = parsed.data;
      // The file's name becomes the document's name: the same rule as `document_name`.
      const fileName = z
        .object({ file: DocumentNameSchema })
        .safeParse({ file: file.name.trim() || "upload" });
      if (!fileName.success) throw validationError(fileName.error.issues);
      bytes = new Uint8Array(await file.arrayBuffer());
      name = fileName.data.file;
      mime = file.type;
    } else if (type.startsWith("application/json")) {
      const body: unknown = await c.req.json().catch(() => {
        throw new AppError("MALFORMED_JSON", 400, "The request body is not valid JSON.");
      });
      const parsed = IngestJsonSchema.safeParse(body);
      if (!parsed.success) throw validationError(parsed.error.issues);
      options = parsed.data;
      if (parsed.data.url !== undefined) {
        try {
          const fetched = await fetchPublicUrl(parsed.data.url, {
            maxBytes: limit,
            resolve: dohResolver({ url: c.env.DNS_RESOLVER_URL || DEFAULT_DOH_URL }),
          });
          bytes = fetched.bytes;
          name = parsed.data.document_name ?? fetched.filename;
          mime = fetched.contentType;
          sourceUrl = fetched.finalUrl;
        } catch (err) {
          if (err instanceof UrlFetchError)
            throw new AppError(err.code, err.code === "URL_TOO_LARGE" ? 413 : 400, err.message, [
              { field: "url", message: err.message },
            ]);
          throw err;
        }
      } else {
        bytes = new TextEncoder().encode(parsed.data.content ?? "");
        if (bytes.byteLength > limit) throw tooLarge(limit);
        name = parsed.data.document_name ?? "Pasted text";
        mime = "text/plain; charset=utf-8";
      }
    } else {
      throw new AppError(
        "UNSUPPORTED_MEDIA_TYPE",
        415,
        "Send multipart/form-data with a `file` field, or JSON with `content` or `url`.",
      );
    }
    if (bytes.byteLength === 0)
      throw new AppError("NO_EXTRACTABLE_TEXT", 400, "The file is empty.", [
        { field: "file", message: "empty" },
      ]);
    if (
      options.chunk_overlap !== undefined &&
      options.chunk_size !== undefined &&
      options.chunk_overlap >= options.chunk_size
    ) {
      throw new AppError(
        "VALIDATION_FAILED",
        400,
        "chunk_overlap must be smaller than chunk_size.",
        [{ field: "chunk_overlap", message: "must be smaller than chunk_size" }],
      );
    }
    const kind = sniffKind(bytes, name, mime);
    if (!kind) throw unsupported();
    const { document, jobId } = await startIngestion(
      c.env,
      c.var.db(),
      tenantId,
      bytes,
      { name, contentType: kind, sizeBytes: bytes.byteLength, sourceUrl },
      {
        // `agent_id` (the original clients' single agent) joins `agent_ids`; an id not of this
        // tenant fails the whole upload with 404 AGENT_NOT_FOUND, as for `agent_ids`.
        agent_ids: [
          ...new Set(
            [...options.agent_ids, ...(options.agent_id ? [options.agent_id] : [])].map((a) =>
              a.toLowerCase(),
            ),
          ),
        ],
        collection_id: options.collection_id ?? null,
        chunk_size: options.chunk_size,
        chunk_overlap: options.chunk_overlap,
        metadata: options.metadata ?? {},
      },
    );
    const url = new URL(c.req.url);
    c.var.log.info("ingestion started", {
      document_id: document.id,
      job_id: jobId,
      kind,
      bytes: bytes.byteLength,
    });
    return c.json(
      {
        job_id: jobId,
        document_id: document.id,
        status: "processing" as const,
        websocket_url: `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}/ws/ingest/${jobId}`,
      },
      202,
    );
  },
);

ingestRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/status",
    tags: ["knowledge"],
    summary: "An ingestion job's progress",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "Progress", ...json(IngestStatusSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { state } = await ownedJob(c, c.req.valid("param").id, c.var.tenant.id);
    return c.json(progressOf(state), 200);
  },
);

ingestRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["knowledge"],
    summary: "Cancel an ingestion job",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "The job's final progress", ...json(IngestStatusSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { stub } = await ownedJob(c, c.req.valid("param").id, c.var.tenant.id);
    const state = await cancelAndSettle(c.var.db(), stub);
    if (!state) throw notFound("JOB_NOT_FOUND", "The ingestion job");
    return c.json(progressOf(state), 200);
  },
);

/** `GET /ws/ingest/{id}?token=`: the owner's progress socket. */
export const ingestSocketRoutes = createRouter();
ingestSocketRoutes.get("/ingest/:id", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket")
    throw new AppError(
      "VALIDATION_FAILED",
      426,
      "This address is a WebSocket: connect with a WebSocket client.",
    );
  if (!isOriginAllowed(c.req.header("origin"), c.req.url, c.env))
    throw new AppError(
      "ORIGIN_NOT_ALLOWED",
      403,
      "This site may not open progress connections (its origin is not allowed).",
    );
  const token =
    c.req.query("token") ?? /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token)
    throw new AppError("UNAUTHENTICATED", 401, "Sign in first: pass your access token as ?token=.");
  const tenant = await verifyAccessToken(token, c.env);
  const { stub } = await ownedJob(c, c.req.param("id"), tenant.id);
  // The job answers its own errors with this request's id, like every other error.
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-request-id", c.var.requestId);
  return stub.fetch(new Request(c.req.raw, { headers }));
});
