/**
 * Development sign-in tokens: signed with the local HS256 secret and carrying the same claims
 * as a Supabase Auth access token, so everything downstream is exercised for real.
 */
import { SignJWT } from "jose";
import { TOKEN_AUDIENCE, tokenIssuer } from "./verify-token.ts";
import type { WorkerEnv } from "../env.ts";

export const DEV_TOKEN_TTL_SECONDS = 60 * 60 * 24;

/** A stable user id per email (uuid shaped, version 8 "custom"), so signing in again finds the same tenant. */
export async function devUserId(email: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`nooble-dev:${email.toLowerCase()}`)));
  const b = digest.slice(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function mintDevToken(env: WorkerEnv, email: string, secret: string): Promise<{ token: string; userId: string }> {
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
