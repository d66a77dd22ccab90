/** Development sign-in: the same token shape Supabase Auth issues, minted locally. */
import { z } from "zod";

export const DevSignInSchema = z
  .object({ email: z.email("a valid email address is required").max(254) })
  .strict();

export const SessionUserSchema = z.object({ id: z.uuid(), email: z.string() });

export const DevSignInResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number().int(),
  user: SessionUserSchema,
});
