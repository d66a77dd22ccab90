/**
 * Every route module is an OpenAPIHono router made here, so request validation failures all
 * become one VALIDATION_FAILED error naming the fields.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import { fieldErrorsFromIssues } from "../../shared/errors.ts";
import { AppError } from "../errors.ts";
import type { AppEnv } from "../env.ts";

export function validationError(issues: readonly z.core.$ZodIssue[], prefix = ""): AppError {
  const fields = fieldErrorsFromIssues(issues).map((f) => ({
    ...f,
    field: prefix && f.field !== "(body)" ? `${prefix}.${f.field}` : f.field,
  }));
  const summary = fields
    .map((f) =>
      f.field === "(body)" || f.message.startsWith("unknown field")
        ? f.message
        : `${f.field}: ${f.message}`,
    )
    .join("; ");
  return new AppError("VALIDATION_FAILED", 400, `The request is not valid: ${summary}`, fields);
}

export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error.issues);
    },
  });
}

/** OpenAPI description of the error responses every route may give. */
export const errorResponses = (...statuses: (400 | 401 | 404 | 409 | 413 | 503)[]) => {
  const descriptions: Record<number, string> = {
    400: "Invalid request (code and the fields at fault in the body)",
    401: "Missing, invalid or expired access token",
    404: "Not found (also for ids of another tenant)",
    409: "Conflicts with existing data",
    413: "Request body too large",
    503: "A dependency is unavailable",
  };
  return Object.fromEntries(statuses.map((s) => [s, { description: descriptions[s] ?? "Error" }]));
};

export const bearerSecurity = [{ bearerAuth: [] }];

/** Ids in paths are uuids; anything else names nothing (routes answer 404, as for another tenant's id). */
export const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** An OpenAPI JSON body or response of `schema`. */
export const json = <T>(schema: T) => ({ content: { "application/json": { schema } } });
