/**
 * What visitors will see at the top of the public page, drawn from the profile form as it is
 * being edited: the public page's own header component, given only what the server would
 * accept (http(s) links and avatar), so the preview is what the page will show.
 */
import type { SocialLinks } from "../../../../shared/api/profile.ts";
import {
  ProfileHeader,
  SOCIAL_LABELS,
  type ProfileHeaderData,
} from "../../public/ProfileHeader.tsx";

export { SOCIAL_LABELS };

export interface PreviewData {
  username: string;
  display_name: string;
  description: string;
  avatar_url: string;
  social_links: Partial<Record<keyof SocialLinks, string>>;
}

const httpUrl = (v: string | undefined): string | undefined =>
  v && /^https?:\/\/\S+$/i.test(v.trim()) ? v.trim() : undefined;

function asPublished(data: PreviewData): ProfileHeaderData {
  const links: SocialLinks = {};
  for (const key of Object.keys(SOCIAL_LABELS) as (keyof SocialLinks)[]) {
    const url = httpUrl(data.social_links[key]);
    if (url) links[key] = url;
  }
  return {
    username: data.username,
    display_name: data.display_name.trim() || null,
    description: data.description.trim() || null,
    avatar_url: httpUrl(data.avatar_url) ?? null,
    social_links: links,
  };
}

export function ProfilePreview(props: { data: PreviewData }) {
  return (
    <div class="preview-card" aria-label="Preview of your public page">
      <ProfileHeader profile={asPublished(props.data)} headingLevel="h3" />
    </div>
  );
}
