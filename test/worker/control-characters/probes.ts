/**
 * Probes for the control-character walk: the string fields of a request body found in its
 * OpenAPI JSON schema (nested objects, arrays, records), each as a patch that puts a hostile
 * value at one field, and the checks every answer must pass.
 */
import { ErrorBodySchema } from "../../../shared/errors.ts";

/** NUL alone, NUL inside text, and other C0/C1 characters (ESC, CSI) inside text. */
export const HOSTILE_VALUES = ["\u0000", "a\u0000b", "a\u001b\u009bb"] as const;
/** Half an emoji: JSON carries it, jsonb refuses it. Bodies only (a URL cannot encode it). */
export const LONE_SURROGATE_VALUE = "a\ud83cb";
/** Any control character except tab, line feed and carriage return, which multi-line text may keep, or a lone surrogate. */
const INJECTED =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
}

/** One hostile request part: the field an error must name, and the body patch that puts `bad` there. */
export interface Probe {
  field: string;
  patch: (bad: string) => Record<string, unknown>;
}

const variants = (s: JsonSchema): JsonSchema[] => [
  s,
  ...(s.anyOf ?? []),
  ...(s.oneOf ?? []),
  ...(s.allOf ?? []),
];
const hasType = (s: JsonSchema, t: string) =>
  variants(s).some((v) => v.type === t || (Array.isArray(v.type) && v.type.includes(t)));

/** Every string-valued place in `schema`, as probes of a body; records get a hostile key and a hostile value. */
export function stringProbes(schema: JsonSchema, path: string[] = []): Probe[] {
  const at = (value: (bad: string) => unknown) => (bad: string) =>
    path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value(bad)) as Record<
      string,
      unknown
    >;
  const probes: Probe[] = [];
  if (path.length > 0 && hasType(schema, "string"))
    probes.push({ field: path.join("."), patch: at((bad) => bad) });
  for (const v of variants(schema)) {
    for (const [key, child] of Object.entries(v.properties ?? {}))
      probes.push(...stringProbes(child, [...path, key]));
    if (v.items && hasType(v.items, "string"))
      probes.push({ field: `${path.join(".")}.0`, patch: at((bad) => [bad]) });
    if (typeof v.additionalProperties === "object" && hasType(v.additionalProperties, "string")) {
      probes.push({ field: path.join("."), patch: at((bad) => ({ [`key${bad}`]: "value" })) });
      probes.push({ field: `${path.join(".")}.note`, patch: at((bad) => ({ note: bad })) });
    }
  }
  return probes;
}

/** Deep merge of plain objects (arrays and scalars of `patch` replace). */
export function merge(
  base: Record<string, unknown>,
  patch: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    const isObject = (x: unknown): x is Record<string, unknown> =>
      typeof x === "object" && x !== null && !Array.isArray(x);
    out[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return out;
}

const strings = (value: unknown): string[] =>
  typeof value === "string"
    ? [value]
    : typeof value === "object" && value !== null
      ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
      : [];

/**
 * The rule for every hostile request: never a 5xx. A refusal (4xx) of a body or query field
 * is the standard error naming that field (`named` undefined: a path part, which may answer
 * 404 as for any unknown id). An acceptance carries no control character back. Returns what
 * is wrong, or null, so a walk can list every failure at once.
 */
export async function problemWith(
  res: Response,
  what: string,
  named?: string,
): Promise<string | null> {
  const text = await res.text();
  if (res.status >= 500) return `${what} -> ${res.status} ${text.slice(0, 200)}`;
  if (res.status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `${what} -> ${res.status} without a JSON error: ${text.slice(0, 200)}`;
    }
    const parsed = ErrorBodySchema.safeParse(body);
    if (!parsed.success)
      return `${what} -> ${res.status} not the standard error: ${text.slice(0, 200)}`;
    if (named === undefined) return null;
    const fields = (parsed.data.error.fields ?? []).flatMap((f) => f.field.split(", "));
    return fields.some((f) => f === named || f.startsWith(`${named}.`))
      ? null
      : `${what} -> ${res.status} does not name ${named}: ${text.slice(0, 200)}`;
  }
  if (!(res.headers.get("content-type") ?? "").includes("json") || !text) return null;
  const echoed = strings(JSON.parse(text)).find((s) => INJECTED.test(s));
  return echoed === undefined
    ? null
    : `${what} -> ${res.status} with a control character in ${JSON.stringify(echoed)}`;
}
