/**
 * Stable error codes and the one error shape used by HTTP responses and WebSocket frames.
 * Clients branch on `code`; `message` is for a person and never carries internals.
 */
import { z } from "zod";

export const ERROR_CODES = [
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  "REQUEST_TIMEOUT",
  "UNAUTHENTICATED",
  "TOKEN_EXPIRED",
  "FORBIDDEN",
  "NOT_FOUND",
  "ROUTE_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "AGENT_NOT_FOUND",
  "TEMPLATE_NOT_FOUND",
  "PROFILE_NOT_FOUND",
  "AGENT_NAME_TAKEN",
  "USERNAME_TAKEN",
  "USERNAME_INVALID",
  "MODEL_UNAVAILABLE",
  "RATE_LIMITED",
  "SESSION_NOT_FOUND",
  "SESSION_ENDED",
  "TASK_IN_PROGRESS",
  "MESSAGE_TOO_LONG",
  "MESSAGE_EMPTY",
  "INVALID_FRAME",
  "ORIGIN_NOT_ALLOWED",
  "MODE_UNAVAILABLE",
  "CONVERSATION_NOT_FOUND",
  "LLM_RATE_LIMITED",
  "LLM_UNAVAILABLE",
  "LLM_TIMEOUT",
  "LLM_REQUEST_REJECTED",
  "LLM_AUTH_FAILED",
  "TASK_STALLED",
  "DOCUMENT_NOT_FOUND",
  "JOB_NOT_FOUND",
  "UNSUPPORTED_TYPE",
  "NO_EXTRACTABLE_TEXT",
  "IMAGE_ONLY_PDF",
  "ENCRYPTED_DOCUMENT",
  "MALFORMED_DOCUMENT",
  "DOCUMENT_TOO_LARGE",
  "EMBEDDING_MISMATCH",
  "URL_NOT_ALLOWED",
  "URL_FETCH_FAILED",
  "URL_TOO_LARGE",
  "URL_TIMEOUT",
  "INGESTION_CANCELLED",
  "INGESTION_STALLED",
  "MCP_SERVER_NOT_FOUND",
  "MCP_SERVER_EXISTS",
  "MCP_SERVER_LIMIT",
  "MCP_TOKEN_KEY_MISSING",
  "DATABASE_UNAVAILABLE",
  "INTERNAL_ERROR",
] as const;
export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** One problem with one field of a request, named by its path (`execution_config.temperature`). */
export const FieldErrorSchema = z.object({ field: z.string(), message: z.string() });
export type FieldError = z.infer<typeof FieldErrorSchema>;

/**
 * The one error payload, `{code, message}`: in HTTP error bodies, `error` and `chat_error` frames,
 * ingestion progress and stored task failures. `code` is an open string here so a page still
 * reads a code a newer server sends; servers build it from `ErrorCode` (the HTTP detail below
 * narrows it).
 */
export const ErrorPayloadSchema = z.object({ code: z.string(), message: z.string() });
export type ErrorPayload = z.infer<typeof ErrorPayloadSchema>;

export const ErrorDetailSchema = ErrorPayloadSchema.extend({
  code: ErrorCodeSchema,
  fields: z.array(FieldErrorSchema).optional(),
  request_id: z.string().optional(),
});
export type ErrorDetail = z.infer<typeof ErrorDetailSchema>;

/** `{ "error": { "code": "AGENT_NOT_FOUND", "message": "..." } }` */
export const ErrorBodySchema = z.object({ error: ErrorDetailSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/**
 * An HTTP error body: the API's error handler and a Durable Object's `fetch` refusals (a chat
 * WebSocket upgrade for an ended session) answer in this one shape.
 */
export function errorBody(
  code: ErrorCode,
  message: string,
  requestId: string,
  fields?: FieldError[],
): ErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}), request_id: requestId } };
}

/** Turns zod issues into field errors a form can place beside its inputs. */
export function fieldErrorsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const base = issue.path.join(".");
      const keys = issue.keys.map((k) => (base ? `${base}.${k}` : k));
      return {
        field: keys.join(", "),
        message: `unknown field${keys.length > 1 ? "s" : ""}: ${keys.join(", ")}`,
      };
    }
    return { field: issue.path.map(String).join(".") || "(body)", message: issue.message };
  });
}
