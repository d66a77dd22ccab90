/**
 * The API's error shape for the IngestionJob's `fetch`: `{error: {code, message, request_id}}`,
 * as `app.onError` answers (workers/api/app.ts). The request id is the Worker's when the route
 * forwarded one in `x-request-id`, else a fresh one. Local until the shared helper of issue #12
 * lands; then this file goes.
 */
import type { ErrorBody, ErrorCode } from "../../shared/errors.ts";

export function errorResponse(
  request: Request,
  status: number,
  code: ErrorCode,
  message: string,
): Response {
  const body: ErrorBody = {
    error: {
      code,
      message,
      request_id: request.headers.get("x-request-id") ?? crypto.randomUUID(),
    },
  };
  return Response.json(body, { status });
}
