/**
 * The signed-in owner. Two ways in, chosen by the server (client-config):
 * - Supabase Auth (`@supabase/supabase-js`, loaded only on owner pages): sign up, sign in,
 *   sign out, password reset; the library refreshes tokens itself.
 * - The development sign-in (`npm run dev`): POST /api/v1/dev/sign-in with an email; the
 *   token is kept in localStorage and minted again shortly before it expires.
 * Visitors on public pages never need any of this.
 */
import { createSignal } from "solid-js";
import type { SupabaseClient } from "@supabase/supabase-js";
import { DevSignInResponseSchema } from "../../../shared/api/auth.ts";
import { clientConfig } from "./client-config.ts";

export interface SignedInUser {
  id: string;
  email: string;
}

interface DevSession {
  token: string;
  expiresAt: number;
  user: SignedInUser;
}

const DEV_SESSION_KEY = "nooble.dev-session";
/** Mint a new dev token this long before the current one expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

const [user, setUser] = createSignal<SignedInUser | null>(readDevSession()?.user ?? null);
/** The signed-in owner, or null. Reactive. */
export { user };

let supabase: Promise<SupabaseClient> | undefined;

function readDevSession(): DevSession | null {
  try {
    const raw = localStorage.getItem(DEV_SESSION_KEY);
    return raw ? (JSON.parse(raw) as DevSession) : null;
  } catch {
    return null;
  }
}

function writeDevSession(session: DevSession | null): void {
  if (session) localStorage.setItem(DEV_SESSION_KEY, JSON.stringify(session));
  else localStorage.removeItem(DEV_SESSION_KEY);
  setUser(session?.user ?? null);
}

async function supabaseClient(): Promise<SupabaseClient | null> {
  const config = await clientConfig();
  if (config.auth_mode !== "supabase" || !config.supabase_url || !config.supabase_anon_key)
    return null;
  const { supabase_url: url, supabase_anon_key: key } = config;
  supabase ??= import("@supabase/supabase-js").then(({ createClient }) => {
    const client = createClient(url, key, {
      auth: { persistSession: true, autoRefreshToken: true },
    });
    client.auth.onAuthStateChange((_event, session) => {
      setUser(session?.user ? { id: session.user.id, email: session.user.email ?? "" } : null);
    });
    return client;
  });
  return supabase;
}

/** Restores the session on page load (Supabase keeps its own in localStorage). */
export async function restoreSession(): Promise<void> {
  const client = await supabaseClient().catch(() => null);
  if (client) {
    const { data } = await client.auth.getSession();
    const u = data.session?.user;
    setUser(u ? { id: u.id, email: u.email ?? "" } : null);
  }
}

/** The bearer token for owner calls, refreshed when it is about to expire; null when signed out. */
export async function accessToken(): Promise<string | null> {
  const client = await supabaseClient().catch(() => null);
  if (client) {
    const { data } = await client.auth.getSession();
    return data.session?.access_token ?? null;
  }
  const session = readDevSession();
  if (!session) return null;
  if (session.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    try {
      await signInDev(session.user.email);
      return readDevSession()?.token ?? null;
    } catch {
      writeDevSession(null);
      return null;
    }
  }
  return session.token;
}

/** Development sign-in: an email is enough (the server only offers it with ENVIRONMENT=development). */
export async function signInDev(email: string): Promise<SignedInUser> {
  const response = await fetch("/api/v1/dev/sign-in", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ email }),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(message ?? `Sign-in failed (${response.status}).`);
  }
  const parsed = DevSignInResponseSchema.parse(body);
  writeDevSession({
    token: parsed.access_token,
    expiresAt: Date.now() + parsed.expires_in * 1000,
    user: parsed.user,
  });
  return parsed.user;
}

export async function signInWithPassword(email: string, password: string): Promise<void> {
  const client = await requireSupabase();
  const { error } = await client.auth.signInWithPassword({ email, password });
  if (error) throw new Error(error.message);
}

export async function signUpWithPassword(
  email: string,
  password: string,
): Promise<{ confirmEmail: boolean }> {
  const client = await requireSupabase();
  const { data, error } = await client.auth.signUp({ email, password });
  if (error) throw new Error(error.message);
  return { confirmEmail: !data.session };
}

export async function sendPasswordReset(email: string): Promise<void> {
  const client = await requireSupabase();
  const { error } = await client.auth.resetPasswordForEmail(email, {
    redirectTo: `${location.origin}/reset-password`,
  });
  if (error) throw new Error(error.message);
}

export async function updatePassword(password: string): Promise<void> {
  const client = await requireSupabase();
  const { error } = await client.auth.updateUser({ password });
  if (error) throw new Error(error.message);
}

async function requireSupabase(): Promise<SupabaseClient> {
  const client = await supabaseClient();
  if (!client) throw new Error("Supabase Auth is not configured on this server.");
  return client;
}

export async function signOut(): Promise<void> {
  const client = await supabaseClient().catch(() => null);
  if (client) await client.auth.signOut();
  writeDevSession(null);
}

/** After a 401: forget the session and go to sign-in, coming back here afterwards. */
export function signInRedirect(): void {
  writeDevSession(null);
  if (location.pathname.startsWith("/sign-in")) return;
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/sign-in?next=${next}`);
}
