/**
 * Development sign-in tokens: signed with the local HS256 secret and carrying the same claims
 * as a Supabase Auth access token, so everything downstream is exercised for real.
 */
import { SignJWT } from "jose";
import { TOKEN_AUDIENCE, tokenIssuer } from "./verify-token.ts";
import type { WorkerEnv } from "../env.ts";
import { uuidFromName } from "../ids.ts";

export const DEV_TOKEN_TTL_SECONDS = 60 * 60 * 24;

/** A stable user id per email, so signing in again finds the same tenant. */
export const devUserId = (email: string) => uuidFromName(`nooble-dev:${email.toLowerCase()}`);

export async function mintDevToken(
  env: WorkerEnv,
  email: string,
  secret: string,
): Promise<{ token: string; userId: string }> {
  const userId = await devUserId(email);
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({
    email,
    role: "authenticated",
    aal: "aal1",
    amr: [{ method: "password", timestamp: now }],
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuer(tokenIssuer(env))
    .setIssuedAt(now)
    .setExpirationTime(now + DEV_TOKEN_TTL_SECONDS)
    .sign(new TextEncoder().encode(secret));
  return { token, userId };
}
