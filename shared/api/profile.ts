/** Owner profile and public profile bodies. */
import { z } from "zod";
import { freeText, noControlCharacters, singleLineText } from "../text.ts";
import { UsernameSchema } from "../username.ts";

const httpsUrl = z
  .url({ protocol: /^https?$/, message: "must be an http(s) URL" })
  .max(2048)
  .check(noControlCharacters);

export const SocialLinksSchema = z
  .object({
    website: httpsUrl.optional(),
    x: httpsUrl.optional(),
    linkedin: httpsUrl.optional(),
    github: httpsUrl.optional(),
    instagram: httpsUrl.optional(),
    youtube: httpsUrl.optional(),
  })
  .strict();
export type SocialLinks = z.infer<typeof SocialLinksSchema>;

export const ProfileSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  email: z.string().nullable(),
  display_name: z.string().nullable(),
  description: z.string().nullable(),
  avatar_url: z.string().nullable(),
  social_links: SocialLinksSchema,
  is_public: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const UpdateProfileSchema = z
  .object({
    username: UsernameSchema.optional(),
    display_name: singleLineText().trim().min(1).max(80).nullable().optional(),
    description: freeText().max(1000).nullable().optional(),
    avatar_url: httpsUrl.nullable().optional(),
    social_links: SocialLinksSchema.optional(),
    is_public: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one field to change" });
export type UpdateProfile = z.infer<typeof UpdateProfileSchema>;

export const UsernameAvailabilityQuerySchema = z.object({
  username: singleLineText().min(1).max(100),
});
export const UsernameAvailabilitySchema = z.object({
  username: z.string(),
  available: z.boolean(),
  reason: z.string().optional(),
});

export const PublicAgentSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  icon: z.string().nullable(),
  /**
   * True when this server has no language model configured at all, so the agent's answers
   * quote its documents; absent when a model may answer (chat/init's `quotes_only` then says
   * for this agent).
   */
  quotes_only: z.boolean().optional(),
});
export type PublicAgent = z.infer<typeof PublicAgentSchema>;

export const PublicProfileSchema = z.object({
  username: z.string(),
  display_name: z.string().nullable(),
  description: z.string().nullable(),
  avatar_url: z.string().nullable(),
  social_links: SocialLinksSchema,
  agents: z.array(PublicAgentSchema),
});
export type PublicProfile = z.infer<typeof PublicProfileSchema>;
