/** Helpers for Worker tests: signing in, calling the API, minting tokens of any shape. */
import { env, exports } from "cloudflare:workers";
import { SignJWT } from "jose";
import type { z } from "zod";
import { expect } from "vitest";
import type { Agent, AgentListSchema } from "../../shared/api/agents.ts";
import { ErrorBodySchema } from "../../shared/errors.ts";
import type { ErrorCode, ErrorDetail } from "../../shared/errors.ts";

export type AgentList = z.infer<typeof AgentListSchema>;

export const BASE = "http://nooble.test";

export async function api(
  path: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<Response> {
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
export async function mintToken(
  claims: Record<string, unknown> = {},
  opts: { secret?: string; header?: Record<string, unknown> } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    sub: crypto.randomUUID(),
    aud: "authenticated",
    iss: "nooble-local/auth/v1",
    iat: now,
    exp: now + 3600,
    role: "authenticated",
    email: "probe@example.com",
    ...claims,
  };
  for (const [k, v] of Object.entries(payload))
    if (v === undefined) delete (payload as Record<string, unknown>)[k];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: "HS256", typ: "JWT", ...opts.header })
    .sign(new TextEncoder().encode(opts.secret ?? env.SUPABASE_JWT_SECRET));
}

/**
 * Asserts `res` is the standard error answer: the given status and code, a body matching
 * ErrorBodySchema, a message a person can read and no stack trace. Returns the error detail.
 */
export async function expectError(
  res: Response,
  status: number,
  code: ErrorCode,
): Promise<ErrorDetail> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(text).not.toMatch(STACK_TRACE);
  const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
  expect(parsed.success, text).toBe(true);
  if (!parsed.success) throw parsed.error;
  expect(parsed.data.error.code).toBe(code);
  expect(parsed.data.error.message.length).toBeGreaterThan(10);
  return parsed.data.error;
}

/** Lines like "at handler (workers/api/app.ts:12:3)" or "file:///.../x.js". */
export const STACK_TRACE = /\bat \S+ \(|\bat [^\s]+\.[jt]s:\d+|file:\/\/|node_modules/;

/** The field paths a VALIDATION_FAILED error names (a field error may name several, comma-separated). */
export const fieldPaths = (error: ErrorDetail): string[] =>
  (error.fields ?? []).flatMap((f) => f.field.split(", "));

/** Creates an agent for `token` and returns it; fails the test if the API refuses. */
export async function createAgent(
  token: string,
  body: Record<string, unknown> = {},
): Promise<Agent> {
  const res = await api("/api/v1/agents", {
    method: "POST",
    token,
    json: { name: `Agent ${crypto.randomUUID().slice(0, 8)}`, ...body },
  });
  if (res.status !== 201) throw new Error(`create agent failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Agent;
}

/** An owner's agent list (first page of up to 100). */
export async function listAgents(token: string, query = ""): Promise<AgentList> {
  const res = await api(`/api/v1/agents?limit=100${query}`, { token });
  if (res.status !== 200) throw new Error(`list agents failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as AgentList;
}
