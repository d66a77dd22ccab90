/**
 * The owner's public identity: display name, bio, avatar, social links and username (checked
 * live), the link to share, and a live preview of the public page's header.
 */
import { For, Show, createResource, createSignal } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Profile, SocialLinks, UpdateProfile } from "../../../shared/api/profile.ts";
import { USERNAME_PATTERN } from "../../../shared/username.ts";
import { Field } from "../components/Field.tsx";
import { ApiError, errorMessage } from "../lib/api.ts";
import { createUsernameCheck } from "../lib/username-check.ts";
import { getProfile, updateProfile } from "./api/profile.ts";
import { CheckField } from "./components/CheckField.tsx";
import { CopyField } from "./components/CopyField.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { ProfilePreview, SOCIAL_LABELS } from "./components/ProfilePreview.tsx";
import type { PreviewData } from "./components/ProfilePreview.tsx";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";

type SocialKey = keyof SocialLinks;
const SOCIAL_KEYS = Object.keys(SOCIAL_LABELS) as SocialKey[];
const isHttpUrl = (v: string) => /^https?:\/\/\S+$/i.test(v);

interface FormState extends PreviewData {
  is_public: boolean;
}

function stateOf(p: Profile): FormState {
  return {
    username: p.username,
    display_name: p.display_name ?? "",
    description: p.description ?? "",
    avatar_url: p.avatar_url ?? "",
    social_links: { ...p.social_links },
    is_public: p.is_public,
  };
}

export function validateProfile(f: FormState): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!USERNAME_PATTERN.test(f.username.trim().toLowerCase()))
    errors.username = "3 to 30 characters: a-z, 0-9, _ and -";
  if (f.display_name.trim().length > 80) errors.display_name = "must be at most 80 characters";
  if (f.description.length > 1000) errors.description = "must be at most 1000 characters";
  if (f.avatar_url.trim() && !isHttpUrl(f.avatar_url.trim()))
    errors.avatar_url = "must be an http(s) URL";
  for (const k of SOCIAL_KEYS) {
    const v = (f.social_links[k] ?? "").trim();
    if (v && !isHttpUrl(v)) errors[`social_links.${k}`] = "must be an http(s) URL";
  }
  return errors;
}

export default function ProfilePage() {
  const [profile, { mutate }] = createResource(getProfile);
  return (
    <section>
      <PageHeader
        title="Profile"
        description="Your public page: who you are and which agents visitors can talk to."
      />
      <LoadError what="your profile" error={profile.error} />
      <Show
        when={valueOf(profile)?.id}
        keyed
        fallback={
          <Show when={!profile.error}>
            <p class="muted">Loading…</p>
          </Show>
        }
      >
        {(_id: string) => (
          <ProfileForm initial={valueOf(profile) as Profile} onSaved={(p) => mutate(p)} />
        )}
      </Show>
    </section>
  );
}

function ProfileForm(props: { initial: Profile; onSaved: (p: Profile) => void }) {
  const [form, setForm] = createStore<FormState>(stateOf(props.initial));
  const [saved, setSaved] = createSignal<Profile>(props.initial);
  const [errors, setErrors] = createSignal<Record<string, string | undefined>>({});
  const [formError, setFormError] = createSignal<string>();
  const [notice, setNotice] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const usernameCheck = createUsernameCheck({ current: () => saved().username });

  const edit = (change: () => void, field: string) => {
    change();
    setNotice(undefined);
    if (errors()[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const usernameHint = () => {
    const a = usernameCheck.availability();
    switch (a.state) {
      case "checking":
        return "Checking…";
      case "available":
        return "Available.";
      case "taken":
        return undefined;
      case "error":
        return `Could not check: ${a.reason}`;
      default:
        return "Your page's address. Changing it breaks links you already shared.";
    }
  };
  const usernameError = () => {
    const a = usernameCheck.availability();
    return errors().username ?? (a.state === "taken" ? `Not available: ${a.reason}` : undefined);
  };

  const shareUrl = () => `${location.origin}/${saved().username}`;

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setFormError(undefined);
    setNotice(undefined);
    const found = validateProfile(form);
    setErrors(found);
    if (Object.keys(found).length || usernameCheck.availability().state === "taken") {
      setFormError("Some fields need fixing: see the highlighted fields.");
      return;
    }
    const social: SocialLinks = {};
    for (const k of SOCIAL_KEYS) {
      const v = (form.social_links[k] ?? "").trim();
      if (v) social[k] = v;
    }
    const username = form.username.trim().toLowerCase();
    const body: UpdateProfile = {
      display_name: form.display_name.trim() || null,
      description: form.description.trim() || null,
      avatar_url: form.avatar_url.trim() || null,
      social_links: social,
      is_public: form.is_public,
      ...(username !== saved().username ? { username } : {}),
    };
    setBusy(true);
    try {
      const updated = await updateProfile(body);
      setSaved(updated);
      setForm(reconcile(stateOf(updated)));
      props.onSaved(updated);
      setNotice("Profile saved.");
    } catch (e) {
      if (e instanceof ApiError && e.fields.length)
        setErrors(Object.fromEntries(e.fields.map((f) => [f.field, f.message])));
      setFormError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="two-col">
      <form class="stack" novalidate onSubmit={(e) => void submit(e)} aria-label="Profile">
        <fieldset class="card">
          <legend>About you</legend>
          <Field label="Display name" error={errors().display_name}>
            {(attrs) => (
              <input
                {...attrs}
                maxlength={80}
                autocomplete="name"
                value={form.display_name}
                onInput={(e) =>
                  edit(() => setForm("display_name", e.currentTarget.value), "display_name")
                }
              />
            )}
          </Field>
          <Field label="Bio" hint="Up to 1000 characters." error={errors().description}>
            {(attrs) => (
              <textarea
                {...attrs}
                rows={4}
                maxlength={1000}
                value={form.description}
                onInput={(e) =>
                  edit(() => setForm("description", e.currentTarget.value), "description")
                }
              />
            )}
          </Field>
          <Field
            label="Avatar URL"
            hint="A link to a square image (https://…)."
            error={errors().avatar_url}
          >
            {(attrs) => (
              <input
                {...attrs}
                type="url"
                inputmode="url"
                value={form.avatar_url}
                onInput={(e) =>
                  edit(() => setForm("avatar_url", e.currentTarget.value), "avatar_url")
                }
              />
            )}
          </Field>
        </fieldset>
        <fieldset class="card">
          <legend>Links</legend>
          <div class="grid-2">
            <For each={SOCIAL_KEYS}>
              {(k) => (
                <Field label={SOCIAL_LABELS[k]} error={errors()[`social_links.${k}`]}>
                  {(attrs) => (
                    <input
                      {...attrs}
                      type="url"
                      inputmode="url"
                      placeholder="https://"
                      value={form.social_links[k] ?? ""}
                      onInput={(e) =>
                        edit(
                          () => setForm("social_links", k, e.currentTarget.value),
                          `social_links.${k}`,
                        )
                      }
                    />
                  )}
                </Field>
              )}
            </For>
          </div>
        </fieldset>
        <fieldset class="card">
          <legend>Address</legend>
          <Field label="Username" hint={usernameHint()} error={usernameError()}>
            {(attrs) => (
              <input
                {...attrs}
                autocomplete="username"
                spellcheck={false}
                maxlength={30}
                value={form.username}
                onInput={(e) => {
                  const value = e.currentTarget.value;
                  edit(() => setForm("username", value), "username");
                  usernameCheck.check(value);
                }}
              />
            )}
          </Field>
          <CheckField
            label="Public page"
            hint="Off hides your page and all its agents from visitors."
            checked={form.is_public}
            onChange={(v) => edit(() => setForm("is_public", v), "is_public")}
          />
        </fieldset>
        <ErrorAlert message={formError()} />
        <div class="row">
          <Button type="submit" variant="primary" disabled={busy()}>
            {busy() ? "Saving…" : "Save"}
          </Button>
          <span role="status" aria-live="polite" class="muted">
            {notice()}
          </span>
        </div>
      </form>
      <aside class="stack" aria-label="Share and preview">
        <Card title="Share">
          <CopyField label="Your public page" value={shareUrl()} />
          <Show when={!saved().is_public}>
            <p class="muted small">
              Your page is hidden: visitors see “not found” until you make it public.
            </p>
          </Show>
        </Card>
        <Card title="Preview">
          <ProfilePreview data={form} />
        </Card>
      </aside>
    </div>
  );
}
