import { describe, expect, it } from "vitest";
import { api } from "./helpers.ts";

describe("GET /health", () => {
  it("reports the database as reachable", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", database: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });

  it("answers unknown routes with the standard error shape", async () => {
    const res = await api("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "ROUTE_NOT_FOUND" } });
  });
});
