/**
 * Asymmetric mode: SUPABASE_URL set and no HS256 secret, so tokens are verified against the
 * project's JWKS. The JWKS endpoint is served by a stubbed fetch.
 */
import { env } from "cloudflare:workers";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import type { CryptoKey, JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyAccessToken } from "../../../workers/auth/verify-token.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { AppError } from "../../../workers/errors.ts";

const SUPABASE_URL = "https://proj.supabase.test";
const JWKS_URL = `${SUPABASE_URL}/auth/v1/.well-known/jwks.json`;
const ISSUER = `${SUPABASE_URL}/auth/v1`;
const KID = "current-key";

const { SUPABASE_JWT_SECRET: _secret, ...withoutSecret } = env;
const jwksEnv: WorkerEnv = { ...withoutSecret, SUPABASE_URL };

let signingKey: CryptoKey;
let fetchSpy: ReturnType<typeof vi.spyOn<typeof globalThis, "fetch">>;

beforeAll(async () => {
  const pair = await generateKeyPair("ES256");
  signingKey = pair.privateKey;
  const jwks = {
    keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: "ES256", use: "sig" }],
  };
  fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    return url === JWKS_URL ? Response.json(jwks) : new Response("not found", { status: 404 });
  });
});
afterAll(() => fetchSpy.mockRestore());

const claims = (overrides: JWTPayload = {}): JWTPayload => ({
  sub: crypto.randomUUID(),
  aud: "authenticated",
  iss: ISSUER,
  role: "authenticated",
  email: "jwks@example.com",
  ...overrides,
});

async function sign(
  payload: JWTPayload,
  key: CryptoKey | Uint8Array,
  header: { alg: string; kid?: string },
) {
  return new SignJWT(payload)
    .setProtectedHeader({ typ: "JWT", ...header })
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(key);
}

/** The AppError verifyAccessToken throws for `token`, or a test failure if it accepts it. */
async function refusal(token: string): Promise<AppError> {
  const err: unknown = await verifyAccessToken(token, jwksEnv).then(
    (tenant) => new Error(`token was accepted for ${tenant.id}`),
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw err;
  return err;
}

describe("access token verification against a Supabase JWKS", () => {
  it("accepts an ES256 token signed by the published key and returns its tenant", async () => {
    const payload = claims();
    const tenant = await verifyAccessToken(
      await sign(payload, signingKey, { alg: "ES256", kid: KID }),
      jwksEnv,
    );
    expect(tenant).toEqual({ id: payload.sub, email: "jwks@example.com" });
    expect(
      fetchSpy.mock.calls.some(
        ([input]) => String(input instanceof Request ? input.url : input) === JWKS_URL,
      ),
    ).toBe(true);
  });

  it("refuses a token whose kid is not in the JWKS", async () => {
    const error = await refusal(
      await sign(claims(), signingKey, { alg: "ES256", kid: "retired-key" }),
    );
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(error.message).toMatch(/unknown key/);
  });

  it("refuses an ES256 token signed by another key under the published kid", async () => {
    const other = await generateKeyPair("ES256");
    expect(
      await refusal(await sign(claims(), other.privateKey, { alg: "ES256", kid: KID })),
    ).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
  });

  it("refuses an RS256 token signed by a key that is not published", async () => {
    const rsa = await generateKeyPair("RS256");
    for (const kid of [KID, "rsa-key"]) {
      expect(
        await refusal(await sign(claims(), rsa.privateKey, { alg: "RS256", kid })),
      ).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    }
  });

  it("refuses HS256 tokens when only the JWKS is configured, whatever secret signed them", async () => {
    for (const secret of [env.SUPABASE_JWT_SECRET, "some-secret-some-secret-some-secret-1234"]) {
      const error = await refusal(
        await sign(claims(), new TextEncoder().encode(secret), { alg: "HS256" }),
      );
      expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
      expect(error.message).toMatch(/HS256/);
    }
  });

  it.each([
    ["the local development issuer", "nooble-local/auth/v1"],
    ["another project's issuer", "https://other.supabase.test/auth/v1"],
    ["the project URL without /auth/v1", SUPABASE_URL],
  ])("refuses a token from %s", async (_name, iss) => {
    const error = await refusal(
      await sign(claims({ iss }), signingKey, { alg: "ES256", kid: KID }),
    );
    expect(error).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    expect(error.message).toMatch(/"iss"/);
  });

  it("refuses a published-key token for the wrong audience or that has expired", async () => {
    expect(
      await refusal(await sign(claims({ aud: "anon" }), signingKey, { alg: "ES256", kid: KID })),
    ).toMatchObject({ code: "UNAUTHENTICATED" });
    const expired = await new SignJWT(claims())
      .setProtectedHeader({ alg: "ES256", kid: KID })
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(signingKey);
    expect(await refusal(expired)).toMatchObject({ code: "TOKEN_EXPIRED", status: 401 });
  });
});
