/**
 * The top of a public page: avatar (or initials), name, @username, bio and social links. The
 * public page renders it, and the owner's profile editor renders the same component from the
 * form as a live preview, so the preview is exactly what visitors see.
 */
import { For, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import type { PublicProfile, SocialLinks } from "../../../shared/api/profile.ts";
import "./public.css";

export const SOCIAL_LABELS: Record<keyof SocialLinks, string> = {
  website: "Website",
  x: "X",
  linkedin: "LinkedIn",
  github: "GitHub",
  instagram: "Instagram",
  youtube: "YouTube",
};

export type ProfileHeaderData = Pick<
  PublicProfile,
  "username" | "display_name" | "description" | "avatar_url" | "social_links"
>;

export function displayName(profile: Pick<PublicProfile, "display_name" | "username">): string {
  return profile.display_name?.trim() || profile.username;
}

function initials(name: string): string {
  const parts = name.split(/\s+/).filter(Boolean);
  return (
    ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase() ||
    "?"
  );
}

/** `headingLevel`: h1 on the public page; a lower level where the header is embedded (the preview). */
export function ProfileHeader(props: {
  profile: ProfileHeaderData;
  headingLevel?: "h1" | "h2" | "h3";
}) {
  const name = () => displayName(props.profile);
  const links = () =>
    (Object.keys(SOCIAL_LABELS) as (keyof SocialLinks)[])
      .map((k) => ({ key: k, label: SOCIAL_LABELS[k], href: props.profile.social_links[k] }))
      .filter((l): l is { key: keyof SocialLinks; label: string; href: string } => Boolean(l.href));
  return (
    <header class="profile-header">
      <Show
        when={props.profile.avatar_url}
        fallback={
          <span class="profile-avatar" aria-hidden="true">
            {initials(name())}
          </span>
        }
      >
        {(src) => (
          <img
            class="profile-avatar"
            src={src()}
            alt=""
            width="96"
            height="96"
            referrerPolicy="no-referrer"
          />
        )}
      </Show>
      <div class="profile-text">
        <Dynamic component={props.headingLevel ?? "h1"} class="profile-name">
          {name()}
        </Dynamic>
        <p class="muted profile-username">@{props.profile.username}</p>
        <Show when={props.profile.description}>{(bio) => <p class="profile-bio">{bio()}</p>}</Show>
        <Show when={links().length > 0}>
          <ul class="profile-links" aria-label={`${name()} elsewhere`}>
            <For each={links()}>
              {(l) => (
                <li>
                  <a href={l.href} rel="noopener nofollow me" target="_blank">
                    {l.label}
                  </a>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </header>
  );
}
