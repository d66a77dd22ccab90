/** The CRM routes describe themselves in the OpenAPI document, /export before /{id}. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../../workers/env.ts";
import { conversationRoutes } from "../../../workers/api/routes/conversations.ts";

const documented = () => {
  const app = new OpenAPIHono<AppEnv>();
  app.route("/api/v1/conversations", conversationRoutes);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "probe", version: "0" } });
};

describe("conversation CRM OpenAPI", () => {
  it("documents the list, the export and the transcript with their query parameters", () => {
    const doc = documented();
    expect(Object.keys(doc.paths ?? {})).toEqual([
      "/api/v1/conversations",
      "/api/v1/conversations/export",
      "/api/v1/conversations/{id}",
      "/api/v1/conversations/{id}/export",
    ]);
    const list = doc.paths?.["/api/v1/conversations"]?.get;
    expect(list?.parameters?.map((p) => ("name" in p ? p.name : ""))).toEqual([
      "agent_id",
      "is_active",
      "from",
      "to",
      "limit",
      "offset",
    ]);
    const exported = doc.paths?.["/api/v1/conversations/export"]?.get?.responses?.["200"];
    expect(exported && "content" in exported ? Object.keys(exported.content ?? {}) : []).toEqual([
      "text/csv",
      "application/json",
    ]);
    expect(doc.paths?.["/api/v1/conversations/{id}"]?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it("documents the visitor's contact, nullable, on listed conversations and on the transcript", () => {
    const doc = documented();
    const bodyOf = (path: string) => {
      const ok = doc.paths?.[path]?.get?.responses?.["200"];
      return JSON.stringify(
        ok && "content" in ok ? ok.content?.["application/json"]?.schema : null,
      );
    };
    const contact =
      '"contact":{"type":["object","null"],"properties":{"name":{"type":["string","null"]},"email":{"type":["string","null"]},"phone":{"type":["string","null"]},"note":{"type":["string","null"]},"captured_at":{"type":"string"}}';
    expect(bodyOf("/api/v1/conversations")).toContain(contact);
    expect(bodyOf("/api/v1/conversations/{id}")).toContain(contact);
  });

  it('routes /export to the export rather than to a conversation named "export"', () => {
    const routes = conversationRoutes.routes.filter((r) => r.method === "GET").map((r) => r.path);
    expect(routes.indexOf("/export")).toBeGreaterThanOrEqual(0);
    expect(routes.indexOf("/export")).toBeLessThan(routes.indexOf("/:id"));
  });
});
