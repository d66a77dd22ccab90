/**
 * The one way the web app calls the API: JSON in and out, the owner's bearer token attached,
 * every failure turned into an ApiError carrying the server's code, message and field errors
 * (so forms can show them beside their inputs). A 401 on an owner call sends the owner to
 * sign-in and back to where they were.
 */
import { z } from "zod";
import { ErrorPayloadSchema, FieldErrorSchema } from "../../../shared/errors.ts";
import type { FieldError } from "../../../shared/errors.ts";
import { accessToken, signInRedirect } from "./auth.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The server's message for one field (`execution_config.temperature`), if it named it. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

export interface RequestOptions<T> {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  /** Sent as is (multipart uploads); `body` is ignored when set. */
  form?: FormData;
  /** Parse the answer with this schema (the shared one the server answers with). */
  schema?: z.ZodType<T>;
  /** Owner calls (the default) carry the bearer token; public calls do not. */
  auth?: boolean;
  /** Extra headers (the chat session token, for instance). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Told the share of the body sent so far (0..1) as it goes: big uploads show their progress. */
  onUploadProgress?: (fraction: number) => void;
}

export async function api<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.auth !== false) {
    const token = await accessToken();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    const method = options.method ?? (body ? "POST" : "GET");
    // fetch cannot report how much of a request body has gone; XMLHttpRequest can.
    response = options.onUploadProgress
      ? await sendWithProgress(
          path,
          method,
          headers,
          body,
          options.onUploadProgress,
          options.signal,
        )
      : await fetch(path, { method, headers, body, signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(
      0,
      "NETWORK_ERROR",
      "The server could not be reached. Check your connection and try again.",
    );
  }
  if (!response.ok) {
    const error = await errorFrom(response);
    if (response.status === 401 && options.auth !== false) signInRedirect();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  const data: unknown = await response.json();
  return options.schema ? options.schema.parse(data) : (data as T);
}

/** A request through XMLHttpRequest, reporting upload progress, answered as a fetch Response. */
function sendWithProgress(
  path: string,
  method: string,
  headers: Record<string, string>,
  body: BodyInit | undefined,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const responseHeaders = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(":");
        if (at > 0) responseHeaders.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      // 204/205/304 may not carry a body in a Response.
      const noBody = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
      resolve(
        new Response(noBody ? null : xhr.responseText, {
          status: xhr.status,
          statusText: xhr.statusText,
          headers: responseHeaders,
        }),
      );
    };
    xhr.onerror = () => reject(new TypeError("network error"));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    if (signal) {
      if (signal.aborted) return xhr.abort();
      signal.addEventListener("abort", () => xhr.abort(), { once: true });
    }
    xhr.send(body as XMLHttpRequestBodyInit | undefined);
  });
}

const ClientErrorBodySchema = z.object({
  error: ErrorPayloadSchema.extend({ fields: z.array(FieldErrorSchema).optional() }),
});

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    // Lenient on the code (a newer server may send one this page does not know).
    const body = ClientErrorBodySchema.safeParse(await response.json());
    if (body.success)
      return new ApiError(
        response.status,
        body.data.error.code,
        body.data.error.message,
        body.data.error.fields ?? [],
      );
  } catch {
    // not JSON: fall through to a generic message
  }
  return new ApiError(
    response.status,
    "HTTP_" + response.status,
    `The server answered ${response.status} ${response.statusText}.`,
  );
}

/** A query string from the defined, non-empty values of an object. */
export function query(
  params: Record<string, string | number | boolean | undefined | null>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** A person-readable message for any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
