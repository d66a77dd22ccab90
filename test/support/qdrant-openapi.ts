/**
 * Qdrant's published OpenAPI document (../shared/eval/qdrant-openapi, v1.19.0) as a checker
 * for the requests QdrantStore sends and the answers the fake Qdrant gives. No Qdrant server
 * runs here, so this is what keeps the adapter and the fake honest. Matching a method and
 * path to an operation, and validating path, query and body against it, is done by
 * openapi-backend (Ajv underneath); Node only, since Ajv compiles validators with
 * `new Function`, which workerd forbids.
 *
 * Two changes to the document before it is used, both because the published one is looser
 * than Qdrant is:
 * - Qdrant's generator writes "T or null" as `anyOf: [T, {nullable: true}]`. OpenAPI 3.0.3
 *   says a bare `nullable` adds nothing, so `{nullable: true}` would accept any value and
 *   switch off the check of every optional field (filter, query, with_payload, ...); Ajv
 *   refuses it outright. It is read as Qdrant means it: null.
 * - An object schema that lists its properties accepts only those. The document leaves
 *   extra properties open; a misspelt optional field (`with_paylod`) would then pass here
 *   and be ignored or refused by a real server, which is exactly the bug to catch.
 */
import { readFileSync } from "node:fs";
import { OpenAPIBackend } from "openapi-backend";
import type { Document, Operation } from "openapi-backend";
import { z } from "zod";
import { EVAL_DIR } from "./eval-data.ts";

export const QDRANT_SPEC_VERSION = "1.19.0";
export const QDRANT_SPEC_FILE = new URL(
  `qdrant-openapi/openapi-v${QDRANT_SPEC_VERSION}.json`,
  EVAL_DIR,
);

/** A request as it went over the wire. */
export interface WireRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface RequestCheck {
  /** The operation the method and path name, or null when the document has none. */
  operationId: string | null;
  errors: string[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Only the shape this file relies on; openapi-backend validates the whole document against the OpenAPI 3.0 schema. */
const DocumentSchema = z.custom<Document>(
  (v) =>
    isObject(v) &&
    typeof v.openapi === "string" &&
    v.openapi.startsWith("3.0.") &&
    isObject(v.paths),
  "an OpenAPI 3.0 document",
);

/** Formats Qdrant uses beyond OpenAPI's own (openapi-backend knows int32/int64/float/double/byte/binary/...). */
const uintFormat = (bits: number) => ({
  type: "number" as const,
  validate: (n: number) => Number.isInteger(n) && n >= 0 && n < 2 ** bits,
});
const QDRANT_FORMATS = {
  uint: uintFormat(64),
  uint64: uintFormat(64),
  uint32: uintFormat(32),
  uint8: uintFormat(8),
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  "date-time": (s: string) => !Number.isNaN(Date.parse(s)),
  // Qdrant's datetime filters take RFC 3339 or a date and time without zone; nothing here sends one.
  "partial-date-time": (s: string) => !Number.isNaN(Date.parse(s)),
  uri: (s: string) => URL.canParse(s),
};

export class QdrantSpec {
  private readonly api: OpenAPIBackend;

  private constructor(api: OpenAPIBackend) {
    this.api = api;
  }

  /**
   * Reads the document from ../shared/eval and prepares the validators, which compile on first
   * use. `checkDocument` also checks the document, as tightened, against the OpenAPI 3.0
   * schema (seconds, so one test does it) and throws when it is not valid.
   */
  static async load(options: { file?: URL; checkDocument?: boolean } = {}): Promise<QdrantSpec> {
    const definition = DocumentSchema.parse(
      tighten(JSON.parse(readFileSync(options.file ?? QDRANT_SPEC_FILE, "utf8"))),
    );
    const api = new OpenAPIBackend({
      definition,
      strict: true,
      quick: !options.checkDocument,
      ajvOpts: { strict: false, allErrors: true },
      customizeAjv: (ajv) => {
        for (const [name, format] of Object.entries(QDRANT_FORMATS)) ajv.addFormat(name, format);
        return ajv;
      },
    });
    await api.init();
    return new QdrantSpec(api);
  }

  /** The operation for a method and path, or undefined. */
  operation(method: string, path: string): Operation | undefined {
    return this.api.router.matchOperation({ method, path, headers: {} });
  }

  /** Checks the method and path, the path and query parameters and the JSON body. */
  checkRequest(request: WireRequest): RequestCheck {
    const operation = this.operation(request.method, request.path);
    if (!operation?.operationId)
      return {
        operationId: null,
        errors: [
          `Qdrant ${QDRANT_SPEC_VERSION} has no operation ${request.method} ${request.path}`,
        ],
      };
    const errors: string[] = [];
    const hasBody = request.body !== undefined;
    const bodySpec = operation.requestBody;
    if (hasBody && !bodySpec) errors.push("sends a body, but the operation takes none");
    if (!hasBody && bodySpec && "required" in bodySpec && bodySpec.required === true)
      errors.push("sends no body, but the operation requires one");
    if (hasBody && !/^application\/json\b/.test(request.headers["content-type"] ?? ""))
      errors.push(
        `content-type is ${request.headers["content-type"] ?? "missing"}, not application/json`,
      );
    const declared = new Set(
      (operation.parameters ?? []).flatMap((p) => ("in" in p && p.in === "query" ? [p.name] : [])),
    );
    for (const name of Object.keys(request.query))
      if (!declared.has(name)) errors.push(`query parameter ${name} is not one of the operation's`);
    const result = this.api.validator.validateRequest(
      {
        method: request.method,
        path: request.path,
        headers: request.headers,
        query: request.query,
        body: request.body,
      },
      operation,
    );
    errors.push(...(result.errors ?? []).map(errorLine));
    return { operationId: operation.operationId, errors: [...new Set(errors)] };
  }

  /** Checks an answer's JSON body against the operation's schema for that status. */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const operation = this.api.router.getOperation(operationId);
    if (!operation) return [`unknown operation ${operationId}`];
    const declared = Object.keys(operation.responses ?? {});
    if (
      ![String(status), `${Math.floor(status / 100)}XX`, "default"].some((k) =>
        declared.includes(k),
      )
    )
      return [`${operationId} declares no answer with status ${status}`];
    return [
      ...new Set(
        (this.api.validator.validateResponse(body, operation, status).errors ?? []).map(errorLine),
      ),
    ];
  }
}

function errorLine(e: { instancePath?: string; message?: string; params?: unknown }): string {
  const extra =
    isObject(e.params) && typeof e.params.additionalProperty === "string"
      ? ` (${e.params.additionalProperty})`
      : "";
  return `${e.instancePath || "/"} ${e.message ?? "is invalid"}${extra}`;
}

/** Applies the two changes of the header to every schema in the document, in place. */
function tighten(doc: unknown): unknown {
  if (!isObject(doc)) return doc;
  const components =
    isObject(doc.components) && isObject(doc.components.schemas)
      ? Object.values(doc.components.schemas)
      : [];
  for (const schema of components) tightenSchema(schema);
  for (const item of isObject(doc.paths) ? Object.values(doc.paths) : []) {
    if (!isObject(item)) continue;
    for (const op of Object.values(item)) {
      if (!isObject(op)) continue;
      for (const p of Array.isArray(op.parameters) ? op.parameters : [])
        if (isObject(p)) tightenSchema(p.schema);
      if (isObject(op.requestBody)) forEachMediaSchema(op.requestBody.content, tightenSchema);
      for (const r of isObject(op.responses) ? Object.values(op.responses) : [])
        if (isObject(r)) forEachMediaSchema(r.content, tightenSchema);
    }
  }
  return doc;
}

function forEachMediaSchema(content: unknown, fn: (schema: unknown) => void): void {
  for (const media of isObject(content) ? Object.values(content) : [])
    if (isObject(media)) fn(media.schema);
}

/** Keywords that say nothing about the value, beside `nullable`. */
const ANNOTATIONS = new Set(["nullable", "description", "default", "title"]);

/** Walks schema keywords only, so a property that happens to be named "properties" is not mistaken for one. */
function tightenSchema(schema: unknown): void {
  if (!isObject(schema)) return;
  if (schema.nullable === true && Object.keys(schema).every((k) => ANNOTATIONS.has(k))) {
    delete schema.nullable;
    schema.enum = [null];
  }
  if (isObject(schema.properties)) {
    if (schema.additionalProperties === undefined) schema.additionalProperties = false;
    for (const p of Object.values(schema.properties)) tightenSchema(p);
  }
  for (const key of ["anyOf", "oneOf", "allOf"] as const) {
    const list = schema[key];
    if (Array.isArray(list)) for (const s of list) tightenSchema(s);
  }
  tightenSchema(schema.items);
  tightenSchema(schema.additionalProperties);
  tightenSchema(schema.not);
}
