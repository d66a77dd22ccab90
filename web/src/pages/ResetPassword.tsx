/**
 * Password reset with Supabase Auth: ask for the email link; arriving from that link (Supabase
 * signs the browser in for recovery), choose a new password.
 */
import { A, useNavigate } from "@solidjs/router";
import { Match, Show, Switch, createResource, createSignal, onMount } from "solid-js";
import { Field } from "../components/Field.tsx";
import { errorMessage } from "../lib/api.ts";
import { restoreSession, sendPasswordReset, updatePassword, user } from "../lib/auth.ts";
import { clientConfig } from "../lib/client-config.ts";

export default function ResetPassword() {
  const navigate = useNavigate();
  const [config] = createResource(clientConfig);
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [status, setStatus] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  onMount(() => {
    document.title = "Reset password · Nooble";
    void restoreSession();
  });

  const run = (action: () => Promise<void>) => async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await action();
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <main class="container" id="main" style={{ "max-width": "28rem" }}>
      <h1>Reset your password</h1>
      <Switch>
        <Match when={config() && config()?.auth_mode !== "supabase"}>
          <p>
            Passwords are not used on this server. <A href="/sign-in">Go to sign-in</A>
          </p>
        </Match>
        <Match when={user()}>
          <form
            class="card"
            onSubmit={run(async () => {
              await updatePassword(password());
              navigate("/dashboard");
            })}
          >
            <Field label="New password" hint="At least 8 characters.">
              {(attrs) => (
                <input
                  {...attrs}
                  type="password"
                  autocomplete="new-password"
                  minlength={8}
                  required
                  value={password()}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              )}
            </Field>
            <button class="primary" type="submit">
              Save the new password
            </button>
          </form>
        </Match>
        <Match when={config()?.auth_mode === "supabase"}>
          <form
            class="card"
            onSubmit={run(async () => {
              await sendPasswordReset(email());
              setStatus("If that address has an account, a reset link is on its way.");
            })}
          >
            <Field label="Email">
              {(attrs) => (
                <input
                  {...attrs}
                  type="email"
                  autocomplete="email"
                  required
                  value={email()}
                  onInput={(e) => setEmail(e.currentTarget.value)}
                />
              )}
            </Field>
            <button class="primary" type="submit">
              Send the reset link
            </button>
          </form>
        </Match>
      </Switch>
      <Show when={status()}>
        <p role="status">{status()}</p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
    </main>
  );
}
