/**
 * CORS for the REST API (`/api/*`), for the origins of workers/chat/origin.ts (ALLOWED_ORIGINS,
 * and localhost in development), with Hono's `cors` middleware. Any other origin, the Worker's
 * own and requests without an Origin get no CORS headers at all (not even on a preflight, which
 * then falls through to the router). Every answer varies by Origin, so a shared cache never
 * hands one origin's answer to another.
 *
 * No credentials: owners send bearer tokens and visitors session tokens in `authorization`,
 * never cookies, so `Access-Control-Allow-Credentials` would only widen what a page may do.
 */
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { corsAllowedOrigin } from "../../chat/origin.ts";
import type { AppEnv } from "../../env.ts";

export const CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];
export const CORS_ALLOW_HEADERS = ["authorization", "content-type", "traceparent"];
/** Response headers a page may read: the request id to quote, and the export's file name and cut-off. */
export const CORS_EXPOSE_HEADERS = [
  "x-request-id",
  "content-disposition",
  "x-export-truncated",
  "x-export-message-limit",
];

const allowedCors = cors({
  origin: (origin, c) => corsAllowedOrigin(origin, c.req.url, c.env),
  allowMethods: CORS_ALLOW_METHODS,
  allowHeaders: CORS_ALLOW_HEADERS,
  exposeHeaders: CORS_EXPOSE_HEADERS,
  // Browsers cap this (Chromium at 2 h); ten minutes lets a changed ALLOWED_ORIGINS apply soon.
  maxAge: 600,
});

export const apiCors = createMiddleware<AppEnv>(async (c, next) => {
  // Hono's `cors` writes Allow-Methods/Headers and Expose-Headers for any origin; only an allowed
  // one may see them.
  if (corsAllowedOrigin(c.req.header("origin"), c.req.url, c.env)) return allowedCors(c, next);
  await next();
  c.header("vary", "Origin", { append: true });
});
