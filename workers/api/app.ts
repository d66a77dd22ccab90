/**
 * The Hono app: global middleware, routes, the OpenAPI document and docs, and the single
 * error handler that answers every failure as `{ error: { code, message } }`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "hono/body-limit";
import { errorBody } from "../../shared/errors.ts";
import { AppError } from "../errors.ts";
import type { AppEnv, WorkerEnv } from "../env.ts";
import { docsPage } from "./docs.ts";
import { bodyDeadline } from "./middleware/body-deadline.ts";
import { apiCors } from "./middleware/cors.ts";
import { requestContext } from "./middleware/request-context.ts";
import { agentRoutes } from "./routes/agents.ts";
import { chatRoutes, chatSocketRoutes } from "./routes/chat.ts";
import { conversationRoutes } from "./routes/conversations.ts";
import { documentRoutes } from "./routes/documents.ts";
import { ingestRoutes, ingestSocketRoutes } from "./routes/ingest.ts";
import { modelRoutes, templateRoutes } from "./routes/catalog.ts";
import { clientConfigRoutes } from "./routes/client-config.ts";
import { devRoutes } from "./routes/dev.ts";
import { healthRoutes } from "./routes/health.ts";
import { mcpServerRoutes } from "./routes/mcp-servers.ts";
import { profileRoutes } from "./routes/profile.ts";
import { publicRoutes } from "./routes/public.ts";
import { statsRoutes } from "./routes/stats.ts";

/** JSON API bodies stay small; file uploads get their own limit in the ingestion routes. */
export const API_BODY_LIMIT_BYTES = 256 * 1024;

/** REQUEST_BODY_IDLE_SECONDS (default 20): the longest pause allowed between parts of a request body. */
const bodyIdleMs = (env: WorkerEnv) => {
  const seconds = Number(env.REQUEST_BODY_IDLE_SECONDS);
  return (Number.isFinite(seconds) && seconds > 0 ? seconds : 20) * 1000;
};

export const app = new OpenAPIHono<AppEnv>();

app.use("*", requestContext);
// Before the body limit, so a refused upload still reaches a cross-origin page readably.
app.use("/api/*", apiCors);
const apiBodyLimit = bodyLimit({
  maxSize: API_BODY_LIMIT_BYTES,
  onError: () => {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      413,
      `The request body is larger than ${API_BODY_LIMIT_BYTES / 1024} KB.`,
    );
  },
});
const isUpload = (path: string) => path === "/api/v1/ingest" || path === "/api/v1/ingest/";
// A body must keep arriving; an upload gets ten minutes in all, anything else one. Before the
// body limit, which reads a body sent without Content-Length itself and needs the deadline too.
app.use(
  "/api/*",
  bodyDeadline((c) => ({
    idleMs: bodyIdleMs(c.env),
    totalMs: isUpload(c.req.path) ? 600_000 : 60_000,
  })),
);
// Uploads have their own, larger limit (MAX_UPLOAD_BYTES, checked in the ingest route).
app.use("/api/*", (c, next) => (isUpload(c.req.path) ? next() : apiBodyLimit(c, next)));

app.route("/", healthRoutes);
app.route("/api/v1/client-config", clientConfigRoutes);
app.route("/api/v1/dev", devRoutes);
app.route("/api/v1/public", publicRoutes);
app.route("/api/v1/profile", profileRoutes);
app.route("/api/v1/agent-templates", templateRoutes);
app.route("/api/v1/models", modelRoutes);
app.route("/api/v1/agents", agentRoutes);
app.route("/api/v1/agents", mcpServerRoutes);
app.route("/api/v1/chat", chatRoutes);
app.route("/api/v1/conversations", conversationRoutes);
app.route("/api/v1/ingest", ingestRoutes);
app.route("/api/v1/documents", documentRoutes);
app.route("/api/v1/stats", statsRoutes);
app.route("/ws", chatSocketRoutes);
app.route("/ws", ingestSocketRoutes);

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "A Supabase Auth access token (or, in development, one from POST /api/v1/dev/sign-in).",
});
app.openAPIRegistry.registerComponent("securitySchemes", "sessionToken", {
  type: "http",
  scheme: "bearer",
  description:
    "The session_token returned by POST /api/v1/chat/init (or `?token=` on the WebSocket).",
});
app.doc31("/openapi.json", {
  openapi: "3.1.0",
  info: {
    title: "Nooble API",
    version: "1.0.0",
    description: "Owners build agents from their knowledge; visitors chat with public agents.",
  },
});
app.get("/docs", (c) => c.html(docsPage));

app.notFound((c) =>
  c.json(
    errorBody("ROUTE_NOT_FOUND", `No route for ${c.req.method} ${c.req.path}.`, c.var.requestId),
    404,
  ),
);

app.onError((err, c) => {
  const requestId = c.var.requestId;
  // Whatever was reading the body failed because it stopped arriving: say that, not what the reader made of it.
  const bodyFailure = c.var.bodyFailure;
  if (bodyFailure)
    return c.json(errorBody(bodyFailure.code, bodyFailure.message, requestId), bodyFailure.status);
  if (err instanceof AppError) {
    if (err.status >= 500) c.var.log.error(err.message, { code: err.code, status: err.status });
    return c.json(errorBody(err.code, err.message, requestId, err.fields), err.status);
  }
  if (err instanceof HTTPException) {
    if (err.status === 400 && /json/i.test(err.message)) {
      return c.json(
        errorBody(
          "MALFORMED_JSON",
          "The request body is not valid JSON. Send a JSON object with Content-Type: application/json.",
          requestId,
        ),
        400,
      );
    }
    if (err.status === 415 || (err.status === 400 && /content-type/i.test(err.message))) {
      return c.json(
        errorBody(
          "UNSUPPORTED_MEDIA_TYPE",
          "Send the request body as JSON with Content-Type: application/json.",
          requestId,
        ),
        415,
      );
    }
    if (err.status < 500)
      return c.json(errorBody("VALIDATION_FAILED", err.message, requestId), err.status);
  }
  c.var.log.error("unhandled error", {
    error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
  return c.json(
    errorBody(
      "INTERNAL_ERROR",
      "Something went wrong on our side. Try again; if it keeps happening, quote the request id.",
      requestId,
    ),
    500,
  );
});
