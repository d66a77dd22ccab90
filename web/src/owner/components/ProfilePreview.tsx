/**
 * What visitors will see at the top of the public page, drawn from the profile form as it is
 * being edited (the public page itself is a separate bundle; this mirrors its header).
 */
import { For, Show, createSignal } from "solid-js";
import type { SocialLinks } from "../../../../shared/api/profile.ts";

export const SOCIAL_LABELS: Record<keyof SocialLinks, string> = {
  website: "Website",
  x: "X",
  linkedin: "LinkedIn",
  github: "GitHub",
  instagram: "Instagram",
  youtube: "YouTube",
};

export interface PreviewData {
  username: string;
  display_name: string;
  description: string;
  avatar_url: string;
  social_links: Partial<Record<keyof SocialLinks, string>>;
}

const isHttpUrl = (v: string) => /^https?:\/\/\S+$/i.test(v.trim());

export function ProfilePreview(props: { data: PreviewData }) {
  const [broken, setBroken] = createSignal<string>();
  const name = () => props.data.display_name.trim() || props.data.username;
  const links = () => (Object.keys(SOCIAL_LABELS) as (keyof SocialLinks)[]).filter((k) => isHttpUrl(props.data.social_links[k] ?? ""));
  const avatar = () => (isHttpUrl(props.data.avatar_url) && broken() !== props.data.avatar_url ? props.data.avatar_url.trim() : null);
  return (
    <div class="preview-card" aria-label="Preview of your public page">
      <Show when={avatar()} fallback={<span class="avatar" aria-hidden="true">{(name()[0] ?? "?").toUpperCase()}</span>}>
        {(src) => <img class="avatar" src={src()} alt="" onError={() => setBroken(src())} />}
      </Show>
      <h2>{name()}</h2>
      <p class="muted">@{props.data.username}</p>
      <Show when={props.data.description.trim()}>
        <p class="preview-bio">{props.data.description}</p>
      </Show>
      <Show when={links().length}>
        <ul class="row socials" aria-label="Links">
          <For each={links()}>
            {(k) => (
              <li>
                <a href={props.data.social_links[k]} rel="noopener nofollow" target="_blank">
                  {SOCIAL_LABELS[k]}
                </a>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
