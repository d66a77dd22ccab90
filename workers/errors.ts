/**
 * The one application error. Thrown anywhere, answered by `app.onError` as
 * `{ error: { code, message, fields? } }` with its status.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
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
