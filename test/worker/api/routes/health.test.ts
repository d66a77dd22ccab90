/**
 * GET /health checks every dependency in use: Postgres, the R2 bucket and, when QDRANT_URL is
 * set, Qdrant; a failing one makes it 503 and is named, with no internals in the answer.
 * Broken dependencies are given through the env the app is called with.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../../../workers/api/app.ts";
import { CHECK_TIMEOUT_MS } from "../../../../workers/api/routes/health.ts";
import type { WorkerEnv } from "../../../../workers/env.ts";
import { api } from "../../helpers.ts";

const workerEnv: WorkerEnv = env;
/** Nothing listens on the discard port: connections are refused at once. */
const DEAD = "127.0.0.1:9";

async function healthWith(overrides: Partial<WorkerEnv>) {
  const res = await app.request("/health", {}, { ...workerEnv, ...overrides });
  return { status: res.status, text: await res.text() };
}

describe("GET /health", () => {
  it("answers 200 with each dependency ok (Postgres and R2; no Qdrant configured)", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { postgres: "ok", r2: "ok" },
      environment: "development",
    });
    expect(res.headers.get("x-request-id")).toMatch(/[0-9a-f-]{36}/);
  });

  it("answers 503 naming qdrant when QDRANT_URL points at nothing", async () => {
    const { status, text } = await healthWith({
      QDRANT_URL: `http://${DEAD}`,
      QDRANT_API_KEY: "secret-qdrant-key",
    });
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: "degraded",
      checks: { postgres: "ok", r2: "ok", qdrant: "unreachable" },
      environment: "development",
    });
    expect(text).not.toContain("secret-qdrant-key");
    expect(text).not.toContain(DEAD);
  });

  it("answers 503 naming qdrant when Qdrant refuses the request", async () => {
    const qdrant = new Response("forbidden", { status: 403 });
    const original = globalThis.fetch;
    globalThis.fetch = async (input, init) =>
      new Request(input, init).url.startsWith("http://qdrant.test/")
        ? qdrant
        : original(input, init);
    try {
      const { status, text } = await healthWith({ QDRANT_URL: "http://qdrant.test" });
      expect(status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({ checks: { qdrant: "HTTP 403", postgres: "ok" } });
    } finally {
      globalThis.fetch = original;
    }
  });

  it("gives up on a dependency that does not answer, and says so", async () => {
    const original = globalThis.fetch;
    globalThis.fetch = (input, init) =>
      new Request(input, init).url.startsWith("http://qdrant.test/")
        ? new Promise<Response>(() => undefined)
        : original(input, init);
    try {
      const { status, text } = await healthWith({ QDRANT_URL: "http://qdrant.test" });
      expect(status).toBe(503);
      expect(JSON.parse(text)).toMatchObject({
        checks: { qdrant: `timed out after ${CHECK_TIMEOUT_MS} ms`, postgres: "ok", r2: "ok" },
      });
    } finally {
      globalThis.fetch = original;
    }
  });

  it("answers 503 naming postgres when the database cannot be reached, without its address", async () => {
    const { status, text } = await healthWith({
      HYPERDRIVE: {
        ...workerEnv.HYPERDRIVE,
        connectionString: `postgres://nooble:hunter2@${DEAD}/nooble`,
      },
    });
    expect(status).toBe(503);
    expect(JSON.parse(text)).toEqual({
      status: "degraded",
      checks: { postgres: "unreachable", r2: "ok" },
      environment: "development",
    });
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain(DEAD);
  });

  it("answers unknown routes with the standard error shape", async () => {
    const res = await api("/api/v1/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "ROUTE_NOT_FOUND" } });
  });
});
