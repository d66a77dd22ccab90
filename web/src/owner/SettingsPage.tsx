/** Appearance (light, dark or the system's) and the account: email, password, sign out. */
import { For, Show, createResource, createSignal } from "solid-js";
import { Field } from "../components/Field.tsx";
import { updatePassword, user } from "../lib/auth.ts";
import { clientConfig } from "../lib/client-config.ts";
import { errorMessage } from "../lib/api.ts";
import { setTheme, theme } from "../lib/theme.ts";
import type { ThemeChoice } from "../lib/theme.ts";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";

const THEMES: { value: ThemeChoice; label: string }[] = [
  { value: "system", label: "System (follow the device)" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];
const MIN_PASSWORD = 8;

export default function SettingsPage() {
  const [config] = createResource(clientConfig);
  const [password, setPassword] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [errors, setErrors] = createSignal<{ password?: string; confirm?: string }>({});
  const [status, setStatus] = createSignal<string>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const changePassword = async (event: SubmitEvent) => {
    event.preventDefault();
    setStatus(undefined);
    setError(undefined);
    const found: { password?: string; confirm?: string } = {};
    if (password().length < MIN_PASSWORD) found.password = `At least ${MIN_PASSWORD} characters.`;
    if (confirm() !== password()) found.confirm = "The two passwords differ.";
    setErrors(found);
    if (found.password || found.confirm) return;
    setBusy(true);
    try {
      await updatePassword(password());
      setPassword("");
      setConfirm("");
      setStatus("Password changed.");
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="stack">
      <PageHeader title="Settings" />
      <fieldset class="card">
        <legend>Theme</legend>
        <div class="theme-choice">
          <For each={THEMES}>
            {(t) => (
              <label class="check">
                <input
                  type="radio"
                  name="theme"
                  value={t.value}
                  checked={theme() === t.value}
                  onChange={() => setTheme(t.value)}
                />{" "}
                {t.label}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <Card title="Account">
        <div class="stack">
          <dl class="facts">
            <dt>Email</dt>
            <dd>{user()?.email}</dd>
            <dt>Sign-in</dt>
            <dd>
              {valueOf(config)?.auth_mode === "supabase"
                ? "Email and password"
                : valueOf(config)?.auth_mode === "dev"
                  ? "Development sign-in (this machine only, no password)"
                  : "…"}
            </dd>
          </dl>
          <Show when={valueOf(config)?.auth_mode === "supabase"}>
            <form
              class="stack"
              novalidate
              onSubmit={(e) => void changePassword(e)}
              aria-labelledby="password-title"
            >
              <h3 id="password-title">Change password</h3>
              <Field
                label="New password"
                hint={`At least ${MIN_PASSWORD} characters.`}
                error={errors().password}
              >
                {(attrs) => (
                  <input
                    {...attrs}
                    type="password"
                    autocomplete="new-password"
                    value={password()}
                    onInput={(e) => setPassword(e.currentTarget.value)}
                  />
                )}
              </Field>
              <Field label="Repeat the new password" error={errors().confirm}>
                {(attrs) => (
                  <input
                    {...attrs}
                    type="password"
                    autocomplete="new-password"
                    value={confirm()}
                    onInput={(e) => setConfirm(e.currentTarget.value)}
                  />
                )}
              </Field>
              <ErrorAlert message={error()} />
              <div class="row">
                <Button type="submit" disabled={busy()}>
                  {busy() ? "Changing…" : "Change password"}
                </Button>
                <span role="status" class="muted">
                  {status()}
                </span>
              </div>
            </form>
          </Show>
        </div>
      </Card>
    </section>
  );
}
