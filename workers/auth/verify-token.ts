/**
 * Verifies Supabase Auth access tokens with jose. Two modes, chosen by the environment:
 * - SUPABASE_JWT_SECRET set: HS256 with that secret (Supabase's legacy secret; the dev secret);
 * - otherwise SUPABASE_URL set: the project's JWKS (ES256/RS256), fetched and cached by jose.
 * When both are set a token's header decides, but each key only verifies its own algorithms,
 * so an HS256 token can never be checked against a public key.
 * Always pinned: algorithms, audience "authenticated", issuer, expiry, and a uuid `sub`.
 */
import { createRemoteJWKSet, errors, jwtVerify, decodeProtectedHeader } from "jose";
import type { JWTPayload } from "jose";
import { AppError } from "../errors.ts";
import type { Tenant, WorkerEnv } from "../env.ts";

export const TOKEN_AUDIENCE = "authenticated";
/** Issuer of locally minted development tokens when no Supabase project is configured. */
export const LOCAL_ISSUER = "nooble-local/auth/v1";
const ASYMMETRIC_ALGS = ["ES256", "RS256"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function tokenIssuer(env: Pick<WorkerEnv, "SUPABASE_URL">): string {
  return env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/+$/, "")}/auth/v1` : LOCAL_ISSUER;
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function jwksFor(supabaseUrl: string) {
  const url = `${supabaseUrl.replace(/\/+$/, "")}/auth/v1/.well-known/jwks.json`;
  let set = jwksCache.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    jwksCache.set(url, set);
  }
  return set;
}

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", 401, message);

/** Returns the tenant a bearer token proves, or throws a 401 AppError saying why not. */
export async function verifyAccessToken(token: string, env: WorkerEnv): Promise<Tenant> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated("The access token is not a valid JWT. Sign in again.");
  }
  const common = {
    audience: TOKEN_AUDIENCE,
    issuer: tokenIssuer(env),
    requiredClaims: ["sub", "exp"],
  };
  let payload: JWTPayload;
  try {
    if (alg === "HS256" && env.SUPABASE_JWT_SECRET) {
      const key = new TextEncoder().encode(env.SUPABASE_JWT_SECRET);
      ({ payload } = await jwtVerify(token, key, { ...common, algorithms: ["HS256"] }));
    } else if (alg !== undefined && ASYMMETRIC_ALGS.includes(alg) && env.SUPABASE_URL) {
      ({ payload } = await jwtVerify(token, jwksFor(env.SUPABASE_URL), {
        ...common,
        algorithms: ASYMMETRIC_ALGS,
      }));
    } else if (!env.SUPABASE_JWT_SECRET && !env.SUPABASE_URL) {
      throw new AppError(
        "INTERNAL_ERROR",
        500,
        "Authentication is not configured on this server (set SUPABASE_URL or SUPABASE_JWT_SECRET).",
      );
    } else {
      throw unauthenticated(
        `Tokens signed with ${alg ?? "no algorithm"} are not accepted here. Sign in again.`,
      );
    }
  } catch (err) {
    throw toAuthError(err);
  }
  const sub = payload.sub;
  if (typeof sub !== "string" || !UUID.test(sub))
    throw unauthenticated("The access token does not name a valid user. Sign in again.");
  const email = typeof payload["email"] === "string" ? payload["email"] : null;
  return { id: sub.toLowerCase(), email };
}

function toAuthError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof errors.JWTExpired)
    return new AppError("TOKEN_EXPIRED", 401, "The access token has expired. Sign in again.");
  if (err instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated(
      `The access token's "${err.claim}" claim is not valid here (${err.reason}). Sign in again.`,
    );
  }
  if (err instanceof errors.JWKSNoMatchingKey)
    return unauthenticated("The access token was signed with an unknown key. Sign in again.");
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return unauthenticated("The access token's signature is not valid. Sign in again.");
  if (err instanceof errors.JOSEAlgNotAllowed)
    return unauthenticated("The access token's algorithm is not accepted here. Sign in again.");
  if (err instanceof errors.JOSEError)
    return unauthenticated("The access token could not be verified. Sign in again.");
  return new AppError(
    "INTERNAL_ERROR",
    503,
    "Sign-in keys could not be loaded right now. Try again shortly.",
  );
}
