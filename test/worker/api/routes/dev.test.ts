import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { app } from "../../../../workers/api/app.ts";
import { api, expectError, fieldPaths } from "../../helpers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const signIn = (body: unknown) => api("/api/v1/dev/sign-in", { method: "POST", json: body });
const freshEmail = () => `dev-${crypto.randomUUID().slice(0, 8)}@example.com`;

describe("POST /api/v1/dev/sign-in", () => {
  it("returns an access token with the claims of a Supabase Auth token, and the user", async () => {
    const email = freshEmail();
    const res = await signIn({ email });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      access_token: string;
      token_type: string;
      expires_in: number;
      user: { id: string; email: string };
    };
    expect(body.token_type).toBe("bearer");
    expect(body.user.email).toBe(email);
    expect(body.user.id).toMatch(UUID);

    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({
      aud: "authenticated",
      role: "authenticated",
      sub: body.user.id,
      email,
      iss: "nooble-local/auth/v1",
    });
    const now = Date.now() / 1000;
    expect(claims.exp).toBeGreaterThan(now);
    expect(claims.exp).toBeLessThanOrEqual(now + body.expires_in + 5);
    expect(claims.iat).toBeLessThanOrEqual(now + 5);
  });

  it("gives the same user id when the same email signs in again, whatever its case", async () => {
    const email = freshEmail();
    const first = (await (await signIn({ email })).json()) as { user: { id: string } };
    const second = (await (await signIn({ email: email.toUpperCase() })).json()) as {
      user: { id: string };
    };
    const other = (await (await signIn({ email: freshEmail() })).json()) as {
      user: { id: string };
    };
    expect(second.user.id).toBe(first.user.id);
    expect(other.user.id).not.toBe(first.user.id);
  });

  it("issues a token the owner routes accept", async () => {
    const { access_token, user } = (await (await signIn({ email: freshEmail() })).json()) as {
      access_token: string;
      user: { id: string };
    };
    const res = await api("/api/v1/profile", { token: access_token });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: user.id });
  });

  it("rejects an invalid email with VALIDATION_FAILED naming `email`", async () => {
    const error = await expectError(
      await signIn({ email: "not-an-email" }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain("email");
  });

  it("rejects a missing email", async () => {
    const error = await expectError(await signIn({}), 400, "VALIDATION_FAILED");
    expect(fieldPaths(error)).toContain("email");
  });

  it("rejects unknown fields", async () => {
    const error = await expectError(
      await signIn({ email: freshEmail(), role: "service_role" }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain("role");
  });

  it("answers 404 ROUTE_NOT_FOUND outside development, like a route that does not exist", async () => {
    const request = new Request("http://nooble.test/api/v1/dev/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: freshEmail() }),
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(request, { ...env, ENVIRONMENT: "production" }, ctx);
    await waitOnExecutionContext(ctx);
    const error = await expectError(res, 404, "ROUTE_NOT_FOUND");
    expect(error.message).not.toMatch(/development/i);
  });
});
