/**
 * The owner dashboard's frame: signed-in check (otherwise to sign-in and back), navigation,
 * theme, sign-out. On a wide screen the links are a bar; on a phone (styles.css, 52rem) they
 * are one "Menu" button (ui/Menu) holding the same links with the current page marked, the
 * theme switch and sign-out. A username chosen at sign-up (before email confirmation) is
 * applied here, once.
 */
import { A, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import LogOut from "lucide-solid/icons/log-out";
import MenuIcon from "lucide-solid/icons/menu";
import { ErrorBoundary, For, Show, createEffect, createSignal, onMount } from "solid-js";
import { ThemeToggle } from "../components/ThemeToggle.tsx";
import { api, errorMessage } from "../lib/api.ts";
import { restoreSession, signOut, user } from "../lib/auth.ts";
import { takePendingUsername } from "../lib/username-check.ts";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";
import { Menu } from "../ui/Menu.tsx";

const LINKS = [
  { href: "/dashboard", label: "Overview", end: true },
  { href: "/dashboard/agents", label: "Agents" },
  { href: "/dashboard/knowledge", label: "Knowledge" },
  { href: "/dashboard/conversations", label: "Conversations" },
  { href: "/dashboard/profile", label: "Profile" },
  { href: "/dashboard/settings", label: "Settings" },
];

function NavLinks() {
  return (
    <For each={LINKS}>
      {(link) => (
        <A href={link.href} end={link.end ?? false} activeClass="active">
          {link.label}
        </A>
      )}
    </For>
  );
}

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

  const leave = async () => {
    await signOut();
    navigate("/", { replace: true });
  };

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
          <nav class="nav desktop-nav" aria-label="Dashboard">
            <NavLinks />
          </nav>
          <span class="spacer" />
          <div class="desktop-nav owner-account">
            <ThemeToggle iconOnly />
            <Show when={user()}>
              {(u) => (
                <>
                  <span class="muted small owner-email">{u().email}</span>
                  <Button variant="ghost" icon={LogOut} onClick={() => void leave()}>
                    Sign out
                  </Button>
                </>
              )}
            </Show>
          </div>
          <nav class="phone-nav" aria-label="Dashboard">
            <Menu label="Menu" icon={MenuIcon} variant="secondary" align="end">
              <NavLinks />
              <hr />
              <Show when={user()}>
                {(u) => <p class="muted small menu-note">Signed in as {u().email}</p>}
              </Show>
              <ThemeToggle />
              <Button variant="ghost" icon={LogOut} onClick={() => void leave()}>
                Sign out
              </Button>
            </Menu>
          </nav>
        </div>
      </header>
      <main class="container" id="main" tabindex="-1">
        <Show when={checked() && user()} fallback={<p class="muted">Loading…</p>}>
          <ErrorBoundary
            fallback={(err: unknown, reset) => (
              <div role="alert">
                <Card>
                  <h1>Something went wrong</h1>
                  <p>{errorMessage(err)}</p>
                  <Button onClick={reset}>Try again</Button>
                </Card>
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
