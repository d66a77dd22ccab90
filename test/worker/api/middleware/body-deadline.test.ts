/**
 * Request bodies have a time limit: one that stops arriving, or arrives too slowly, fails
 * with 408 REQUEST_TIMEOUT instead of holding the request open; a body that keeps coming
 * is read as usual. The limits are short here so the tests need no long waits; the app's
 * own limits (20 s between parts, 60 s or 10 min in all) use the same middleware.
 */
import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { Hono } from "hono";
import { AppError } from "../../../../workers/errors.ts";
import { bodyDeadline } from "../../../../workers/api/middleware/body-deadline.ts";
import type { AppEnv } from "../../../../workers/env.ts";
import { signIn } from "../../helpers.ts";

const encoder = new TextEncoder();

/** A stream that sends `parts` with `gapMs` between them, then either ends or stalls forever. */
function trickle(parts: string[], gapMs: number, then: "end" | "stall") {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === parts.length) {
        if (then === "end") controller.close();
        else await new Promise(() => undefined);
        return;
      }
      if (sent > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      controller.enqueue(encoder.encode(parts[sent++]));
    },
  });
}

/** A small app with the middleware and the same error handling rule as the API's. */
function appWith(idleMs: number, totalMs: number) {
  const app = new Hono<AppEnv>();
  app.use(
    "*",
    bodyDeadline(() => ({ idleMs, totalMs })),
  );
  app.post("/echo", async (c) => c.json({ received: (await c.req.text()).length }));
  app.onError((err, c) => {
    const failure = c.var.bodyFailure ?? (err instanceof AppError ? err : null);
    return failure
      ? c.json({ code: failure.code, message: failure.message }, failure.status)
      : c.json({ code: "INTERNAL_ERROR" }, 500);
  });
  return app;
}

const post = (app: Hono<AppEnv>, body: ReadableStream<Uint8Array>) =>
  app.request("/echo", { method: "POST", body, duplex: "half" } as RequestInit);

describe("request body deadline", () => {
  it("answers 408 when the body stops arriving", async () => {
    const res = await post(appWith(50, 5_000), trickle(['{"a":', "1"], 5, "stall"));
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({
      code: "REQUEST_TIMEOUT",
      message: "The request body stopped arriving (nothing for 50 ms). Send it again.",
    });
  });

  it("answers 408 when a body that keeps trickling takes longer than the whole limit", async () => {
    const parts = Array.from({ length: 40 }, () => "x");
    const res = await post(appWith(1_000, 100), trickle(parts, 10, "end"));
    expect(res.status).toBe(408);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /^The request body took longer than 100 ms to arrive/,
    );
  });

  it("reads a body that keeps arriving within the limits", async () => {
    const res = await post(appWith(200, 5_000), trickle(["ab", "cd", "ef"], 10, "end"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 6 });
  });

  it("applies to the API: an agent body that stalls answers 408 REQUEST_TIMEOUT, not a JSON error", async () => {
    // REQUEST_BODY_IDLE_SECONDS is 1 in this suite's configuration.
    const owner = await signIn();
    const res = await SELF.fetch("http://localhost/api/v1/agents", {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: trickle(['{"name": "Half'], 5, "stall"),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(408);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("REQUEST_TIMEOUT");
  });
});
