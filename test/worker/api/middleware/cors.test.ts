/**
 * CORS on the REST API: an origin in ALLOWED_ORIGINS (and, in development, localhost) gets its
 * origin echoed with Vary: Origin on answers and preflights, errors included; any other origin,
 * the Worker's own and requests without an Origin get no CORS headers at all. No credentials.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../../../workers/api/app.ts";
import type { WorkerEnv } from "../../../../workers/env.ts";
import { BASE, signIn } from "../../helpers.ts";

const SHOP = "https://shop.example";
const configured: WorkerEnv = { ...env, ALLOWED_ORIGINS: ` ${SHOP}/ , https://other.example` };

/** Calls the app with ALLOWED_ORIGINS set (and ENVIRONMENT as given). */
function call(
  path: string,
  init: RequestInit = {},
  overrides: Partial<WorkerEnv> = {},
): Promise<Response> {
  return Promise.resolve(
    app.fetch(
      new Request(`${BASE}${path}`, init),
      { ...configured, ...overrides },
      createExecutionContext(),
    ),
  );
}

const preflight = (origin: string, method = "POST") => ({
  method: "OPTIONS",
  headers: {
    origin,
    "access-control-request-method": method,
    "access-control-request-headers": "authorization, content-type",
  },
});

const corsHeaders = (res: Response) =>
  [...res.headers.keys()].filter((k) => k.startsWith("access-control-"));

describe("CORS on /api/v1", () => {
  it("echoes an allowed origin with Vary: Origin on a public GET and exposes the request id, without credentials", async () => {
    const res = await call("/api/v1/client-config", { headers: { origin: SHOP } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(res.headers.get("access-control-expose-headers")).toContain("x-request-id");
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("answers an allowed origin's preflight with the methods and headers the API takes", async () => {
    const res = await call("/api/v1/ingest", preflight(SHOP));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("access-control-allow-methods")?.split(",")).toEqual(
      expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    );
    expect(res.headers.get("access-control-allow-headers")?.split(",")).toEqual(
      expect.arrayContaining(["authorization", "content-type"]),
    );
    expect(res.headers.get("access-control-max-age")).toBe("600");
    expect(res.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("lets an allowed origin read the owner API and its errors", async () => {
    const owner = await signIn();
    const ok = await call("/api/v1/agents", {
      headers: { origin: SHOP, authorization: `Bearer ${owner.token}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    const refused = await call("/api/v1/agents", { headers: { origin: SHOP } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(SHOP);
    const invalid = await call("/api/v1/chat/init", {
      method: "POST",
      headers: { origin: SHOP, "content-type": "application/json" },
      body: "{}",
    });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get("access-control-allow-origin")).toBe(SHOP);
  });

  it("gives another origin, the Worker's own origin and a request without Origin no CORS headers, preflight included", async () => {
    for (const origin of ["https://evil.example", "https://shop.example.evil.test", "null", BASE]) {
      const get = await call("/api/v1/client-config", { headers: { origin } });
      expect(get.status, origin).toBe(200);
      expect(corsHeaders(get), origin).toEqual([]);
      expect(get.headers.get("vary"), origin).toMatch(/\bOrigin\b/);
      const options = await call("/api/v1/ingest", preflight(origin));
      expect(corsHeaders(options), origin).toEqual([]);
      expect(options.status, origin).not.toBe(204);
    }
    expect(corsHeaders(await call("/api/v1/client-config"))).toEqual([]);
  });

  it("allows localhost origins in development only, as the chat WebSockets do", async () => {
    const local = "http://localhost:3000";
    const dev = await call(
      "/api/v1/client-config",
      { headers: { origin: local } },
      { ENVIRONMENT: "development" },
    );
    expect(dev.headers.get("access-control-allow-origin")).toBe(local);
    const prod = await call(
      "/api/v1/client-config",
      { headers: { origin: local } },
      { ENVIRONMENT: "production" },
    );
    expect(corsHeaders(prod)).toEqual([]);
    const unset = await call(
      "/api/v1/client-config",
      { headers: { origin: SHOP } },
      { ALLOWED_ORIGINS: "", ENVIRONMENT: "production" },
    );
    expect(corsHeaders(unset)).toEqual([]);
  });
});
