/**
 * Password reset with Supabase Auth: ask for the email link; arriving from that link (Supabase
 * signs the browser in for recovery), choose a new password.
 */
import { A, useNavigate } from "@solidjs/router";
import { Match, Show, Switch, createResource, createSignal, onMount } from "solid-js";
import { AuthFrame } from "../components/AuthFrame.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";
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
    <AuthFrame title="Reset your password">
      <Switch>
        <Match when={config() && config()?.auth_mode !== "supabase"}>
          <p>
            Passwords are not used on this server. <A href="/sign-in">Go to sign-in</A>
          </p>
        </Match>
        <Match when={user()}>
          <Card>
            <form
              class="stack"
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
              <Button variant="primary" type="submit">
                Save the new password
              </Button>
            </form>
          </Card>
        </Match>
        <Match when={config()?.auth_mode === "supabase"}>
          <Card>
            <form
              class="stack"
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
              <Button variant="primary" type="submit">
                Send the reset link
              </Button>
            </form>
          </Card>
        </Match>
      </Switch>
      <Show when={status()}>
        <p role="status">{status()}</p>
      </Show>
      <ErrorAlert message={error()} />
    </AuthFrame>
  );
}
