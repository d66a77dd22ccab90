/**
 * OpenAI's published chat-completions schemas (../shared/eval/openai-spec, a subset of
 * openai/openai-openapi) as a checker for the stream chunks our fixtures claim OpenAI sends
 * and for the request bodies the providers send. Validation is Ajv's, as openapi-backend
 * builds it (`getAjv`); Node only, since Ajv compiles validators with `new Function`, which
 * workerd forbids.
 *
 * Three changes to the schemas before use, each because the document says more than Ajv reads
 * or less than OpenAI accepts:
 * - It is OpenAPI 3.1 but still writes "T or null" as 3.0's `nullable: true`, which Ajv refuses
 *   without a `type` and which does not let `null` through an `enum`: it becomes JSON Schema's
 *   `type: [T, "null"]` (with null added to the enum), or `anyOf: [T, {type: "null"}]`.
 * - `created` has the format `unixtime`: an integer.
 * - For requests only, an object that lists its properties accepts only those, and the
 *   request's `allOf` is merged into one such object: the published schemas leave extra
 *   properties open, so a misspelt field (`parallel_tool_call`, a message's `tool_callid`)
 *   would pass here and be ignored or refused by OpenAI, which is the bug to catch. Answers
 *   are checked as published: providers add fields (Groq's `x_groq`) that clients ignore.
 */
import { readFileSync } from "node:fs";
import { OpenAPIValidator, ValidationContext } from "openapi-backend";
import type { Document } from "openapi-backend";
import { z } from "zod";
import { EVAL_DIR } from "./eval-data.ts";

export const OPENAI_SPEC_FILE = new URL(
  "openai-spec/chat-completions-subset.openapi.json",
  EVAL_DIR,
);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const SpecSchema = z.object({
  openapi: z.string().startsWith("3.1"),
  components: z.object({ schemas: z.record(z.string(), z.unknown()) }),
});

/** A check's outcome: one line per violation ("/choices/0/delta must ..."), none when valid. */
export type Violations = string[];

type Checker = (name: string, value: unknown) => Violations;

export class OpenAISpec {
  private readonly request: Checker;
  private readonly answer: Checker;

  private constructor(schemas: Json) {
    this.request = checker(closed(withoutNullable(schemas)));
    this.answer = checker(withoutNullable(schemas));
  }

  static load(file: URL = OPENAI_SPEC_FILE): OpenAISpec {
    const doc = SpecSchema.parse(JSON.parse(readFileSync(file, "utf8")));
    return new OpenAISpec(doc.components.schemas);
  }

  /** Checks a request body against CreateChatCompletionRequest, closed to unknown fields. */
  checkRequest(body: unknown): Violations {
    return this.request("CreateChatCompletionRequest", body);
  }

  /** Checks one parsed `data:` payload of a stream against CreateChatCompletionStreamResponse. */
  checkStreamChunk(chunk: unknown): Violations {
    return this.answer("CreateChatCompletionStreamResponse", chunk);
  }
}

function checker(schemas: Json): Checker {
  // Only the document's schemas are compiled; the validator is there for its Ajv and formats.
  const definition: Document = { openapi: "3.1.0", info: { title: "", version: "" }, paths: {} };
  const ajv = new OpenAPIValidator({ definition, lazyCompileValidators: true }).getAjv(
    ValidationContext.RequestBody,
    { strict: false, allErrors: true },
  );
  ajv.addFormat("unixtime", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addSchema({ components: { schemas } }, "openai");
  return (name, value) => {
    const validate = ajv.getSchema(`openai#/components/schemas/${name}`);
    if (!validate) return [`the document has no schema ${name}`];
    if (validate(value)) return [];
    return [...new Set((validate.errors ?? []).map(errorLine))];
  };
}

function errorLine(e: { instancePath?: string; message?: string; params?: unknown }): string {
  const extra =
    isObject(e.params) && typeof e.params.additionalProperty === "string"
      ? ` (${e.params.additionalProperty})`
      : "";
  return `${e.instancePath || "/"} ${e.message ?? "is invalid"}${extra}`;
}

/** Rewrites every `nullable: true` as JSON Schema's own "or null" (see the header). */
function withoutNullable(schema: unknown): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) if (key !== "nullable") out[key] = walk(value);
    if (node.nullable !== true) return out;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === "string") return { ...out, type: [out.type, "null"] };
    return { anyOf: [out, { type: "null" }] };
  };
  const result = walk(schema);
  return isObject(result) ? result : {};
}

/**
 * Closes every object schema that lists its properties to others (unless it says otherwise),
 * after merging each `allOf` of objects into one object, whose parts would otherwise each
 * refuse the others' properties.
 */
function closed(schemas: Json): Json {
  const resolve = (node: unknown): unknown => {
    const ref = isObject(node) && typeof node.$ref === "string" ? node.$ref : undefined;
    return ref ? schemas[ref.replace("#/components/schemas/", "")] : node;
  };
  const merge = (node: Json): Json => {
    if (!Array.isArray(node.allOf)) return node;
    const parts = node.allOf.map((p) => resolve(p)).map((p) => (isObject(p) ? merge(p) : {}));
    const properties = Object.assign({}, ...parts.map((p) => p.properties ?? {}));
    const required = parts.flatMap((p) => (Array.isArray(p.required) ? p.required : []));
    return { type: "object", properties, required };
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isObject(node)) return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(merge(node))) out[key] = walk(value);
    if (isObject(out.properties) && out.additionalProperties === undefined)
      out.additionalProperties = false;
    return out;
  };
  return Object.fromEntries(Object.entries(schemas).map(([name, s]) => [name, walk(s)]));
}
