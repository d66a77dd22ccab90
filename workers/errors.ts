/**
 * The one application error. Thrown anywhere, answered by `app.onError` as
 * `{ error: { code, message, fields? } }` with its status.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorBody } from "../shared/errors.ts";
import type { ErrorCode, FieldError } from "../shared/errors.ts";

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly fields: FieldError[] | undefined;

  constructor(
    code: ErrorCode,
    status: ContentfulStatusCode,
    publicMessage: string,
    fields?: FieldError[],
  ) {
    super(publicMessage);
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

export const notFound = (code: ErrorCode, what: string) =>
  new AppError(code, 404, `${what} was not found`);

/**
 * A Durable Object's `fetch` refusal in the API's error shape, `{error: {code, message,
 * request_id}}`, quoting the request id the Worker's route forwarded in `x-request-id` (a
 * fresh one when called without it), so the owner or visitor can cite it like any API error.
 */
export function errorResponse(
  request: Request,
  status: number,
  code: ErrorCode,
  message: string,
): Response {
  const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
  return Response.json(errorBody(code, message, requestId), { status });
}
