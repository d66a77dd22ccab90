import { env } from "cloudflare:workers";
import { SignJWT, base64url, decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { ErrorCode } from "../../../shared/errors.ts";
import { api, expectError, mintToken } from "../helpers.ts";

const now = () => Math.floor(Date.now() / 1000);
const encode = (value: unknown) => base64url.encode(JSON.stringify(value));
const uniqueEmail = () => `jwt-${crypto.randomUUID().slice(0, 8)}@example.com`;

/** The token with its payload changed and the original signature kept. */
async function tampered(claims: Record<string, unknown>) {
  const [header, payload, signature] = (await mintToken({ email: uniqueEmail() })).split(".");
  const changed = { ...decodeJwt(`${header}.${payload}.${signature}`), ...claims };
  return `${header}.${encode(changed)}.${signature}`;
}

const cases: [string, () => Promise<string | null>, ErrorCode][] = [
  ["no Authorization header", async () => null, "UNAUTHENTICATED"],
  [
    "a Basic scheme instead of Bearer",
    async () => `Basic ${btoa("owner:password")}`,
    "UNAUTHENTICATED",
  ],
  ["a Bearer scheme without a token", async () => "Bearer ", "UNAUTHENTICATED"],
  ["a token that is not a JWT", async () => "Bearer not-a-jwt", "UNAUTHENTICATED"],
  ["three segments of garbage", async () => "Bearer abc.def.ghi", "UNAUTHENTICATED"],
  [
    "an expired token",
    async () => `Bearer ${await mintToken({ iat: now() - 7200, exp: now() - 60 })}`,
    "TOKEN_EXPIRED",
  ],
  [
    "a token not yet valid (nbf in the future)",
    async () => `Bearer ${await mintToken({ nbf: now() + 3600 })}`,
    "UNAUTHENTICATED",
  ],
  [
    "an unsigned token (alg none)",
    async () =>
      `Bearer ${encode({ alg: "none", typ: "JWT" })}.${encode({ sub: crypto.randomUUID(), aud: "authenticated", iss: "nooble-local/auth/v1", exp: now() + 3600 })}.`,
    "UNAUTHENTICATED",
  ],
  [
    "a token signed with another secret",
    async () =>
      `Bearer ${await mintToken({}, { secret: "some-other-secret-that-is-long-enough-0123456789" })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token whose payload was changed after signing",
    async () => `Bearer ${await tampered({ role: "service_role" })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token whose subject was swapped after signing",
    async () => `Bearer ${await tampered({ sub: crypto.randomUUID() })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token for the anon audience",
    async () => `Bearer ${await mintToken({ aud: "anon" })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token from another issuer",
    async () => `Bearer ${await mintToken({ iss: "https://evil.example/auth/v1" })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token without a subject",
    async () => `Bearer ${await mintToken({ sub: undefined })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token whose subject is not a uuid",
    async () => `Bearer ${await mintToken({ sub: "admin" })}`,
    "UNAUTHENTICATED",
  ],
  [
    "a token without an expiry",
    async () => `Bearer ${await mintToken({ exp: undefined })}`,
    "UNAUTHENTICATED",
  ],
  [
    "an HS512 token signed with the right secret",
    async () =>
      `Bearer ${await new SignJWT({ aud: "authenticated", iss: "nooble-local/auth/v1", sub: crypto.randomUUID() }).setProtectedHeader({ alg: "HS512" }).setExpirationTime("1h").sign(new TextEncoder().encode(env.SUPABASE_JWT_SECRET))}`,
    "UNAUTHENTICATED",
  ],
  [
    "an RS256-labelled token when no keys are published",
    async () =>
      `Bearer ${encode({ alg: "RS256", typ: "JWT" })}.${encode({ sub: crypto.randomUUID(), aud: "authenticated", exp: now() + 60 })}.c2ln`,
    "UNAUTHENTICATED",
  ],
];

describe("access token verification (HS256 secret)", () => {
  it("accepts a well-formed token signed with the secret, as a control for the cases below", async () => {
    const sub = crypto.randomUUID();
    const res = await api("/api/v1/profile", {
      token: await mintToken({ sub, email: uniqueEmail() }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: sub });
  });

  it.each(cases)(
    "refuses %s with 401 and a message saying to sign in",
    async (_name, authorization, code) => {
      const header = await authorization();
      const res = await api(
        "/api/v1/profile",
        header === null ? {} : { headers: { authorization: header } },
      );
      const error = await expectError(res, 401, code);
      expect(error.message).toMatch(/sign in/i);
    },
  );

  it("refuses a bad token on a write without writing", async () => {
    const sub = crypto.randomUUID();
    const forged = await mintToken(
      { sub, email: uniqueEmail() },
      { secret: "forged-secret-forged-secret-forged-secret" },
    );
    await expectError(
      await api("/api/v1/agents", { method: "POST", token: forged, json: { name: "Forged" } }),
      401,
      "UNAUTHENTICATED",
    );
    const list = await api("/api/v1/agents", {
      token: await mintToken({ sub, email: uniqueEmail() }),
    });
    expect(await list.json()).toMatchObject({ total: 0 });
  });
});
