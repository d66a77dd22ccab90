/** GET /health: the Worker is up and the database answers. */
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../router.ts";

const HealthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  database: z.enum(["ok", "unavailable"]),
  database_latency_ms: z.number().nullable(),
  environment: z.string(),
});

const route = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness and database check",
  responses: {
    200: { description: "Healthy", content: { "application/json": { schema: HealthSchema } } },
    503: { description: "The database is unavailable", content: { "application/json": { schema: HealthSchema } } },
  },
});

export const healthRoutes = createRouter().openapi(route, async (c) => {
  const started = Date.now();
  try {
    await c.var.db()`select 1`;
    return c.json({ status: "ok" as const, database: "ok" as const, database_latency_ms: Date.now() - started, environment: c.env.ENVIRONMENT }, 200);
  } catch (err) {
    c.var.log.error("health check: database unavailable", { error: String(err) });
    return c.json({ status: "degraded" as const, database: "unavailable" as const, database_latency_ms: null, environment: c.env.ENVIRONMENT }, 503);
  }
});
