/**
 * Visitor session tokens: returned by chat/init and bound to one session, agent and tenant.
 * A session id alone grants nothing; every session route and the chat WebSocket require one.
 * Signed HS256 with SESSION_TOKEN_SECRET (generated into .dev.vars by `npm run dev`).
 */
import { SignJWT, errors, jwtVerify } from "jose";
import { AppError } from "../errors.ts";
import type { WorkerEnv } from "../env.ts";

const AUDIENCE = "nooble-chat-session";
const ISSUER = "nooble";

export interface SessionClaims {
  session_id: string;
  agent_id: string;
  tenant_id: string;
}

function secret(env: WorkerEnv): Uint8Array {
  if (!env.SESSION_TOKEN_SECRET) {
    throw new AppError(
      "INTERNAL_ERROR",
      500,
      "Chat is not configured on this server (set SESSION_TOKEN_SECRET).",
    );
  }
  return new TextEncoder().encode(env.SESSION_TOKEN_SECRET);
}

export async function signSessionToken(
  env: WorkerEnv,
  claims: SessionClaims,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ agent_id: claims.agent_id, tenant_id: claims.tenant_id })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.session_id)
    .setAudience(AUDIENCE)
    .setIssuer(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds)
    .sign(secret(env));
  return { token, expiresAt: new Date((now + ttlSeconds) * 1000) };
}

/** The claims of a valid token for `sessionId`, or a 401 saying what to do. */
export async function verifySessionToken(
  env: WorkerEnv,
  token: string | undefined,
  sessionId: string,
): Promise<SessionClaims> {
  if (!token)
    throw new AppError(
      "UNAUTHENTICATED",
      401,
      "This chat session needs its session token (from POST /api/v1/chat/init).",
    );
  try {
    const { payload } = await jwtVerify(token, secret(env), {
      algorithms: ["HS256"],
      audience: AUDIENCE,
      issuer: ISSUER,
      requiredClaims: ["sub", "exp"],
    });
    const agentId = payload["agent_id"];
    const tenantId = payload["tenant_id"];
    if (payload.sub !== sessionId || typeof agentId !== "string" || typeof tenantId !== "string") {
      throw new AppError(
        "UNAUTHENTICATED",
        401,
        "This session token belongs to another chat session.",
      );
    }
    return { session_id: sessionId, agent_id: agentId, tenant_id: tenantId };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof errors.JWTExpired)
      throw new AppError("TOKEN_EXPIRED", 401, "This chat session has expired. Start a new chat.");
    throw new AppError("UNAUTHENTICATED", 401, "The session token is not valid. Start a new chat.");
  }
}
