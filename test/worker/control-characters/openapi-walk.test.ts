/**
 * Walks every API route of /openapi.json with NUL and other control characters in each string
 * field of its body, each query parameter and each path parameter (Postgres refuses NUL, which
 * once answered 500), and a lone surrogate in each body field (jsonb refuses it). Bodies the document does not describe (checked after an ownership test,
 * or multipart) are listed here; a new write route without either fails the walk.
 */
import { describe, expect, it } from "vitest";
import { api, createAgent, signIn } from "../helpers.ts";
import { initRequest, recordConversationActions } from "../chat/helpers.ts";
import { holdPipelineQueues, ingestText } from "../ingestion/pipeline.ts";
import {
  HOSTILE_VALUES,
  LONE_SURROGATE_VALUE,
  merge,
  problemWith,
  stringProbes,
} from "./probes.ts";
import type { JsonSchema, Probe } from "./probes.ts";

holdPipelineQueues();
recordConversationActions();

interface Operation {
  security?: Record<string, unknown>[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Request bodies the OpenAPI document leaves out, as a valid base and the string fields to probe. */
const UNDOCUMENTED: Record<
  string,
  { base: Record<string, unknown>; fields: JsonSchema } | "no body"
> = {
  "post /api/v1/agents/{id}/search": {
    base: { query: "volcano" },
    fields: { properties: { query: { type: "string" }, mode: { type: "string" } } },
  },
  "put /api/v1/documents/{id}/agents": {
    base: { agent_ids: [] },
    fields: {
      properties: { agent_ids: { items: { type: "string" } }, operation: { type: "string" } },
    },
  },
  "post /api/v1/documents/{id}/reindex": "no body",
  "post /api/v1/agents/{id}/mcp-servers/{server_id}/refresh": "no body",
  "post /api/v1/ingest": {
    base: { document_name: "notes.txt", content: "Volcanoes erupt." },
    fields: {
      properties: {
        document_name: { type: "string" },
        content: { type: "string" },
        url: { type: "string" },
        collection_id: { type: "string" },
        agent_id: { type: "string" },
        agent_ids: { items: { type: "string" } },
        metadata: { additionalProperties: { type: "string" } },
      },
    },
  },
};

describe("control characters in every request part", () => {
  it("never answer 5xx, and a refused body or query field is named", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token);
    const started = await ingestText(owner.token, "Volcanoes erupt.");
    const doc = (await (await api("/openapi.json")).json()) as Doc;
    const idFor = (path: string) =>
      path.startsWith("/api/v1/agents")
        ? agent.id
        : path.startsWith("/api/v1/documents")
          ? started.document_id
          : path.startsWith("/api/v1/ingest")
            ? started.job_id
            : crypto.randomUUID();
    const session = async () => {
      const res = await initRequest({ agent_id: agent.id }, { token: owner.token });
      expect(res.status).toBe(201);
      return (await res.json()) as { session_id: string; session_token: string };
    };
    let probed = 0;
    const problems: string[] = [];
    const check = async (res: Response, what: string, named?: string) => {
      const problem = await problemWith(res, what, named);
      if (problem) problems.push(problem);
    };
    for (const [template, ops] of Object.entries(doc.paths)) {
      if (!template.startsWith("/api/v1/")) continue;
      for (const [method, op] of Object.entries(ops)) {
        const key = `${method} ${template}`;
        const sessionRoute = (op.security ?? []).some((s) => "sessionToken" in s);
        const send = async (opts: {
          params?: Record<string, string>;
          query?: string;
          body?: Record<string, unknown>;
        }) => {
          const chat = sessionRoute ? await session() : null;
          const path = template.replace(/\{(\w+)\}/g, (_m, name: string) =>
            encodeURIComponent(
              opts.params?.[name] ??
                (name === "session_id"
                  ? (chat?.session_id ?? "")
                  : name === "username"
                    ? "nobody"
                    : idFor(template)),
            ),
          );
          const isKey = key === "post /api/v1/chat/init";
          const body = isKey ? merge({ agent_id: agent.id }, opts.body ?? {}) : opts.body;
          const init = {
            method: method.toUpperCase(),
            token: chat?.session_token ?? owner.token,
            ...(body || (method !== "get" && method !== "delete") ? { json: body ?? {} } : {}),
          };
          probed++;
          return isKey
            ? initRequest(body, { token: owner.token })
            : api(`${path}${opts.query ?? ""}`, init);
        };
        for (const bad of HOSTILE_VALUES) {
          for (const name of template.match(/\{(\w+)\}/g) ?? []) {
            const param = name.slice(1, -1);
            await check(
              await send({ params: { [param]: bad } }),
              `${key} path ${param}=${JSON.stringify(bad)}`,
            );
          }
          for (const q of (op.parameters ?? []).filter((p) => p.in === "query")) {
            await check(
              await send({ query: `?${q.name}=${encodeURIComponent(bad)}` }),
              `${key} ?${q.name}=${JSON.stringify(bad)}`,
              q.name,
            );
          }
        }
        if (!["post", "put", "patch"].includes(method)) continue;
        const schema = op.requestBody?.content["application/json"]?.schema;
        const extra = UNDOCUMENTED[key];
        expect(
          schema !== undefined || extra !== undefined,
          `${key}: describe its body in the OpenAPI document or list it in UNDOCUMENTED`,
        ).toBe(true);
        const probes: Probe[] = schema
          ? stringProbes(schema)
          : extra && extra !== "no body"
            ? stringProbes(extra.fields)
            : [];
        const base =
          extra && extra !== "no body" ? extra.base : key === "post /api/v1/agents" ? null : {};
        for (const probe of probes) {
          for (const bad of [...HOSTILE_VALUES, LONE_SURROGATE_VALUE]) {
            // Agent names are unique per owner: each create gets its own.
            const body = merge(
              base ?? { name: `Walk ${crypto.randomUUID().slice(0, 8)}` },
              probe.patch(bad),
            );
            if (probe.field === "url") delete body["content"];
            await check(
              await send({ body }),
              `${key} body ${probe.field}=${JSON.stringify(bad)}`,
              probe.field,
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(probed).toBeGreaterThan(200);
  });
});
