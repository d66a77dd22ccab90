/** Helpers for Worker tests: signing in, calling the API, minting tokens of any shape. */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";

export const BASE = "http://nooble.test";

export async function api(path: string, init: RequestInit & { token?: string; json?: unknown } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...init, headers, body }));
}

/** Signs in a fresh owner through the dev route; a unique email per call unless given. */
export async function signIn(email = `owner-${crypto.randomUUID().slice(0, 8)}@example.com`) {
  const res = await api("/api/v1/dev/sign-in", { method: "POST", json: { email } });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { access_token: string; user: { id: string; email: string } };
  return { token: body.access_token, userId: body.user.id, email: body.user.email };
}

/** Mints an HS256 token with the test secret; override any claim or the header to probe auth. */
export async function mintToken(claims: Record<string, unknown> = {}, opts: { secret?: string; header?: Record<string, unknown> } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: crypto.randomUUID(), aud: "authenticated", iss: "nooble-local/auth/v1", iat: now, exp: now + 3600, role: "authenticated", email: "probe@example.com", ...claims };
  for (const [k, v] of Object.entries(payload)) if (v === undefined) delete (payload as Record<string, unknown>)[k];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...opts.header })
    .sign(new TextEncoder().encode(opts.secret ?? env.SUPABASE_JWT_SECRET));
}
