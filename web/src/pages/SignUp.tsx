/** Sign-up with Supabase Auth: username (checked live), email, password. */
import { A, useNavigate } from "@solidjs/router";
import { Match, Switch, createResource, createSignal } from "solid-js";
import { AuthFrame } from "../components/AuthFrame.tsx";
import { Field } from "../components/Field.tsx";
import { errorMessage } from "../lib/api.ts";
import { signUpWithPassword } from "../lib/auth.ts";
import { clientConfig } from "../lib/client-config.ts";
import { createUsernameCheck, rememberPendingUsername } from "../lib/username-check.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";

export default function SignUp() {
  const navigate = useNavigate();
  const [config] = createResource(clientConfig);
  const [username, setUsername] = createSignal("");
  const [email, setEmail] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [confirmSent, setConfirmSent] = createSignal(false);
  const { availability, check } = createUsernameCheck();

  const usernameMessage = () => {
    const a = availability();
    if (a.state === "checking") return "Checking…";
    if (a.state === "available") return `${username().trim().toLowerCase()} is available`;
    return undefined;
  };
  const usernameError = () => {
    const a = availability();
    return a.state === "taken" || a.state === "error" ? a.reason : undefined;
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setError(undefined);
    if (availability().state !== "available") {
      setError("Choose an available username first.");
      return;
    }
    try {
      rememberPendingUsername(username().trim().toLowerCase());
      const { confirmEmail } = await signUpWithPassword(email(), password());
      if (confirmEmail) setConfirmSent(true);
      else navigate("/dashboard", { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <AuthFrame title="Create an account">
      <Switch>
        <Match when={config() && config()?.auth_mode !== "supabase"}>
          <p>
            This server has no account sign-up:{" "}
            {config()?.auth_mode === "dev"
              ? "in development any email signs in."
              : "sign-in is not configured."}{" "}
            <A href="/sign-in">Go to sign-in</A>
          </p>
        </Match>
        <Match when={confirmSent()}>
          <p role="status">
            Check your email to confirm the account, then sign in. Your username is kept for you on
            this browser.
          </p>
        </Match>
        <Match when={config()?.auth_mode === "supabase"}>
          <Card>
            <form class="stack" onSubmit={submit}>
              <Field
                label="Username"
                hint={usernameMessage() ?? "Your public page will be at /your-username."}
                error={usernameError()}
              >
                {(attrs) => (
                  <input
                    {...attrs}
                    name="username"
                    autocomplete="username"
                    required
                    value={username()}
                    onInput={(e) => {
                      setUsername(e.currentTarget.value);
                      check(e.currentTarget.value);
                    }}
                  />
                )}
              </Field>
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
              <Field label="Password" hint="At least 8 characters.">
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
              <ErrorAlert message={error()} />
              <Button variant="primary" type="submit">
                Create account
              </Button>
              <p>
                Already have one? <A href="/sign-in">Sign in</A>
              </p>
            </form>
          </Card>
        </Match>
      </Switch>
    </AuthFrame>
  );
}
