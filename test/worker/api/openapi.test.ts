import { describe, expect, it } from "vitest";
import { app } from "../../../workers/api/app.ts";
import { api } from "../helpers.ts";

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[];
        requestBody?: { content: Record<string, { schema: unknown }> };
        responses?: unknown;
      }
    >
  >;
  components: { securitySchemes: Record<string, unknown> };
}

const openapi = async () => {
  const res = await api("/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApiDocument;
};

/** Every API route from the route table, in OpenAPI spelling ("/api/v1/agents/{id}"). */
const apiRoutes = [
  ...new Set(
    app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/v1/"))
      .map(
        (r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/\/$/, "")}`,
      ),
  ),
];

describe("GET /openapi.json and /docs", () => {
  it("documents every API route in the route table", async () => {
    const doc = await openapi();
    expect(doc.openapi).toBe("3.1.0");
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path.replace(/\/$/, "")}`),
    );
    expect(apiRoutes.length).toBeGreaterThan(10);
    expect(documented).toEqual(expect.arrayContaining(apiRoutes));
  });

  it("marks owner routes as needing a bearer token and public routes as open", async () => {
    const doc = await openapi();
    expect(doc.components.securitySchemes).toHaveProperty("bearerAuth");
    expect(doc.paths["/api/v1/agents/{id}"]?.["get"]?.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths["/api/v1/public/profiles/{username}"]?.["get"]?.security).toBeUndefined();
  });

  it("describes partial agent configs without defaults, so clients see which settings they may omit", async () => {
    const body = (await openapi()).paths["/api/v1/agents/{id}"]?.["patch"]?.requestBody?.content[
      "application/json"
    ]?.schema;
    const text = JSON.stringify(body);
    expect(text).toContain("temperature");
    expect(text).not.toContain('"default"');
  });

  it("says what the similarity threshold means in the agent bodies and answers", async () => {
    const doc = await openapi();
    const patch = JSON.stringify(
      doc.paths["/api/v1/agents/{id}"]?.["patch"]?.requestBody?.content["application/json"]?.schema,
    );
    const answer = JSON.stringify(doc.paths["/api/v1/agents/{id}"]?.["get"]);
    for (const text of [patch, answer])
      expect(text).toContain(
        "A passage is used only if its relevance reaches this, in any search mode",
      );
  });

  it("serves the interactive docs page pointing at the document", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("swagger-ui");
  });
});
