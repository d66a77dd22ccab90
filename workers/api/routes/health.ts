/**
 * GET /health: the Worker is up and every dependency in use answers: Postgres (`select 1`), the
 * R2 bucket (a HEAD of a key that need not exist) and, when QDRANT_URL is set, Qdrant's
 * readiness probe. The checks run in parallel, each cut off after CHECK_TIMEOUT_MS, so the
 * route stays cheap and answers promptly even when a dependency hangs. 503 names the failing
 * checks with a short reason; details (hosts, driver messages) go to the log only, since
 * /health is public.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { createRouter } from "../router.ts";

/** How long one dependency may take before it counts as down. */
export const CHECK_TIMEOUT_MS = 2000;

const CheckSchema = z
  .string()
  .describe(
    '"ok", or why the dependency is down: "unreachable", "timed out after 2000 ms", "HTTP <status>"',
  );
const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  checks: z.object({
    postgres: CheckSchema,
    r2: CheckSchema,
    qdrant: CheckSchema.optional().describe("Only when QDRANT_URL is set"),
  }),
  environment: z.string(),
});

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness and dependency checks (Postgres, R2, Qdrant when configured)",
  responses: {
    200: {
      description: "Every dependency answers",
      content: { "application/json": { schema: HealthSchema } },
    },
    503: {
      description: "A dependency is down; `checks` names it",
      content: { "application/json": { schema: HealthSchema } },
    },
  },
});

class CheckFailed extends Error {}

/** Runs one check: "ok", or a short public reason (the error itself is logged). */
async function check(c: Context<AppEnv>, name: string, run: () => Promise<void>): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckFailed(`timed out after ${CHECK_TIMEOUT_MS} ms`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([run(), timeout]);
    return "ok";
  } catch (err) {
    c.var.log.error(`health check failed: ${name}`, { error: String(err) });
    return err instanceof CheckFailed ? err.message : "unreachable";
  } finally {
    clearTimeout(timer);
  }
}

async function qdrantReady(url: string, apiKey: string | undefined): Promise<void> {
  const res = await fetch(new URL("/readyz", url), {
    headers: apiKey ? { "api-key": apiKey } : {},
    signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
  });
  await res.body?.cancel();
  if (!res.ok) throw new CheckFailed(`HTTP ${res.status}`);
}

export const healthRoutes = createRouter().openapi(route, async (c) => {
  const qdrantUrl = c.env.QDRANT_URL;
  const [postgres, r2, qdrant] = await Promise.all([
    check(c, "postgres", async () => {
      await c.var.db()`select 1`;
    }),
    check(c, "r2", async () => {
      await c.env.DOCUMENTS.head("health/probe");
    }),
    qdrantUrl
      ? check(c, "qdrant", () => qdrantReady(qdrantUrl, c.env.QDRANT_API_KEY))
      : Promise.resolve(undefined),
  ]);
  const checks = { postgres, r2, ...(qdrant === undefined ? {} : { qdrant }) };
  const healthy = Object.values(checks).every((v) => v === "ok");
  return c.json(
    {
      status: healthy ? ("ok" as const) : ("degraded" as const),
      checks,
      environment: c.env.ENVIRONMENT,
    },
    healthy ? 200 : 503,
  );
});
