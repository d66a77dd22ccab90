/**
 * A time limit on reading any request body. A client that declares a body and then sends it
 * slowly, or stops halfway, would otherwise hold the request open for as long as it keeps
 * the connection: the body must keep arriving (a pause longer than `idleMs` between bytes
 * ends it) and be complete within `totalMs`. The request then fails with 408 REQUEST_TIMEOUT.
 *
 * The body is wrapped, not read here: uploads stay streamed. Whatever reads it (a validator,
 * formData(), a route) sees a stream error and throws its own error; the app's error handler
 * answers with the timeout recorded in `bodyFailure` instead, so the client learns what happened.
 */
import { createMiddleware } from "hono/factory";
import type { Context } from "hono";
import { AppError } from "../../errors.ts";
import type { AppEnv } from "../../env.ts";

export interface BodyDeadline {
  /** Longest pause between two parts of the body. */
  idleMs: number;
  /** Longest time to receive the whole body. */
  totalMs: number;
}

export function bodyDeadline(limitsFor: (c: Context<AppEnv>) => BodyDeadline) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const body = c.req.raw.body;
    if (body === null) return next();
    const limits = limitsFor(c);
    const timedOut = (what: "idle" | "total") => {
      const error = new AppError(
        "REQUEST_TIMEOUT",
        408,
        what === "idle"
          ? `The request body stopped arriving (nothing for ${seconds(limits.idleMs)}). Send it again.`
          : `The request body took longer than ${seconds(limits.totalMs)} to arrive. Send it again on a faster connection, or send less.`,
      );
      c.set("bodyFailure", error);
      return error;
    };
    c.req.raw = new Request(c.req.raw, {
      body: withDeadline(body, limits, timedOut),
      duplex: "half",
    } as RequestInit);
    return next();
  });
}

function withDeadline(
  body: ReadableStream<Uint8Array>,
  limits: BodyDeadline,
  timedOut: (what: "idle" | "total") => AppError,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const started = Date.now();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const left = Math.max(0, limits.totalMs - (Date.now() - started));
      const wait = Math.min(limits.idleMs, left);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const expired = new Promise<"expired">((resolve) => {
        timer = setTimeout(() => resolve("expired"), wait);
      });
      const result = await Promise.race([reader.read(), expired]).finally(() =>
        clearTimeout(timer),
      );
      if (result === "expired") {
        const error = timedOut(wait < limits.idleMs ? "total" : "idle");
        void reader.cancel(error.message).catch(() => undefined);
        controller.error(error);
      } else if (result.done) {
        controller.close();
      } else {
        controller.enqueue(result.value);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} seconds` : `${ms} ms`;
}
