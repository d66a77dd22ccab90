/** GET /api/v1/client-config: public facts the web app needs before anyone signs in. */
import { z } from "zod";

export const AUTH_MODES = ["supabase", "dev", "none"] as const;

export const ClientConfigSchema = z.object({
  /** supabase: Supabase Auth (sign up, sign in, reset); dev: the development sign-in; none: neither is configured. */
  auth_mode: z.enum(AUTH_MODES),
  supabase_url: z.string().nullable(),
  /** Supabase's public anon key (safe to publish: row-level security guards the data). */
  supabase_anon_key: z.string().nullable(),
  environment: z.string(),
});
export type ClientConfig = z.infer<typeof ClientConfigSchema>;
