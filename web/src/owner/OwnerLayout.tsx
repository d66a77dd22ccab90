/**
 * The owner dashboard's frame: signed-in check (otherwise to sign-in and back), navigation,
 * sign-out. A username chosen at sign-up (before email confirmation) is applied here, once.
 */
import { A, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { ErrorBoundary, Show, createEffect, createSignal, onMount } from "solid-js";
import { api, errorMessage } from "../lib/api.ts";
import { restoreSession, signOut, user } from "../lib/auth.ts";
import { takePendingUsername } from "../lib/username-check.ts";

const LINKS = [
  { href: "/dashboard", label: "Overview", end: true },
  { href: "/dashboard/agents", label: "Agents" },
  { href: "/dashboard/knowledge", label: "Knowledge" },
  { href: "/dashboard/conversations", label: "Conversations" },
  { href: "/dashboard/profile", label: "Profile" },
  { href: "/dashboard/settings", label: "Settings" },
];

export default function OwnerLayout(props: RouteSectionProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [checked, setChecked] = createSignal(false);

  onMount(async () => {
    await restoreSession().catch(() => undefined);
    setChecked(true);
  });

  createEffect(() => {
    if (!checked()) return;
    if (!user()) {
      navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`, {
        replace: true,
      });
      return;
    }
    const pending = takePendingUsername();
    if (pending)
      void api("/api/v1/profile", { method: "PATCH", body: { username: pending } }).catch(
        () => undefined,
      );
  });

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="app-header owner-header">
        <div class="container">
          <A class="brand" href="/dashboard">
            nooble
          </A>
          <nav class="nav row" aria-label="Dashboard">
            {LINKS.map((link) => (
              <A href={link.href} end={link.end ?? false} activeClass="active">
                {link.label}
              </A>
            ))}
          </nav>
          <span class="spacer" />
          <Show when={user()}>
            {(u) => (
              <span class="row">
                <span class="muted">{u().email}</span>
                <button
                  type="button"
                  onClick={async () => {
                    await signOut();
                    navigate("/", { replace: true });
                  }}
                >
                  Sign out
                </button>
              </span>
            )}
          </Show>
        </div>
      </header>
      <main class="container" id="main" tabindex="-1">
        <Show when={checked() && user()} fallback={<p class="muted">Loading…</p>}>
          <ErrorBoundary
            fallback={(err: unknown, reset) => (
              <div class="card" role="alert">
                <h1>Something went wrong</h1>
                <p>{errorMessage(err)}</p>
                <button type="button" onClick={reset}>
                  Try again
                </button>
              </div>
            )}
          >
            {props.children}
          </ErrorBoundary>
        </Show>
      </main>
    </>
  );
}
