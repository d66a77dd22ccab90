/**
 * Per-request context: a request id (echoed in `x-request-id`), a logger carrying it and the
 * trace id, and a lazily opened database client. The client is not ended explicitly: the
 * Workers runtime closes a request's sockets when it finishes, and postgres.js's `sql.end()`
 * on Workers leaves an unhandled rejection behind (porsager/postgres#1202), which is also why
 * Cloudflare's Hyperdrive examples dropped it.
 */
import { createMiddleware } from "hono/factory";
import type { Sql } from "postgres";
import { openDatabase } from "../../db/client.ts";
import { createLogger } from "../../log.ts";
import type { AppEnv } from "../../env.ts";

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const requestId = crypto.randomUUID();
  const traceparent = c.req.header("traceparent")?.split("-")[1];
  c.set("requestId", requestId);
  c.set("log", createLogger({ request_id: requestId, trace_id: traceparent ?? requestId }));
  let sql: Sql | undefined;
  c.set("db", () => (sql ??= openDatabase(c.env.HYPERDRIVE.connectionString)));
  await next();
  c.header("x-request-id", requestId);
});
