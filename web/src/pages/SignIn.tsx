/** Sign-in: Supabase email + password when configured, the development sign-in otherwise. */
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { Match, Show, Switch, createResource, createSignal } from "solid-js";
import { AuthFrame } from "../components/AuthFrame.tsx";
import { Field } from "../components/Field.tsx";
import { signInDev, signInWithPassword } from "../lib/auth.ts";
import { clientConfig } from "../lib/client-config.ts";
import { errorMessage } from "../lib/api.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";

/** Only same-site paths are followed after sign-in (never an open redirect). */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/dashboard";
}

export default function SignIn() {
  const [params] = useSearchParams<{ next?: string }>();
  const navigate = useNavigate();
  const [config] = createResource(clientConfig);
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      if (config()?.auth_mode === "supabase") await signInWithPassword(email(), password());
      else await signInDev(email());
      navigate(safeNext(params.next), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title="Sign in">
      <Show when={config.error}>
        <p class="error" role="alert">
          The server could not be reached ({errorMessage(config.error)}). Is it running?
        </p>
      </Show>
      <Switch>
        <Match when={config()?.auth_mode === "none"}>
          <p class="error" role="alert">
            Sign-in is not configured on this server: set SUPABASE_URL and SUPABASE_ANON_KEY, or run
            it with <code>npm run dev</code>.
          </p>
        </Match>
        <Match when={config()}>
          {(c) => (
            <Card>
              <form onSubmit={submit} class="stack" novalidate={false}>
                <Show when={c().auth_mode === "dev"}>
                  <p class="muted">
                    Development sign-in: any email address signs you in on this machine, no
                    password.
                  </p>
                </Show>
                <Field label="Email">
                  {(attrs) => (
                    <input
                      {...attrs}
                      type="email"
                      name="email"
                      autocomplete="email"
                      required
                      value={email()}
                      onInput={(e) => setEmail(e.currentTarget.value)}
                    />
                  )}
                </Field>
                <Show when={c().auth_mode === "supabase"}>
                  <Field label="Password">
                    {(attrs) => (
                      <input
                        {...attrs}
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        value={password()}
                        onInput={(e) => setPassword(e.currentTarget.value)}
                      />
                    )}
                  </Field>
                </Show>
                <ErrorAlert message={error()} />
                <Button variant="primary" type="submit" disabled={busy()}>
                  {busy() ? "Signing in…" : "Sign in"}
                </Button>
                <Show when={c().auth_mode === "supabase"}>
                  <p>
                    <A href="/sign-up">Create an account</A> ·{" "}
                    <A href="/reset-password">Forgot your password?</A>
                  </p>
                </Show>
              </form>
            </Card>
          )}
        </Match>
      </Switch>
    </AuthFrame>
  );
}
