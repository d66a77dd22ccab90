/** GET /api/v1/client-config: which sign-in the web app offers, and Supabase's public settings. */
import { createRoute } from "@hono/zod-openapi";
import { ClientConfigSchema } from "../../../shared/api/client-config.ts";
import type { WorkerEnv } from "../../env.ts";
import { createRouter } from "../router.ts";

const route = createRoute({
  method: "get",
  path: "/",
  tags: ["system"],
  summary: "Public settings for the web app (sign-in mode)",
  responses: {
    200: {
      description: "The settings",
      content: { "application/json": { schema: ClientConfigSchema } },
    },
  },
});

export function authMode(env: WorkerEnv): "supabase" | "dev" | "none" {
  if (env.SUPABASE_URL && env.SUPABASE_ANON_KEY) return "supabase";
  if (env.ENVIRONMENT === "development" && env.SUPABASE_JWT_SECRET) return "dev";
  return "none";
}

export const clientConfigRoutes = createRouter().openapi(route, (c) => {
  const mode = authMode(c.env);
  return c.json(
    {
      auth_mode: mode,
      supabase_url: mode === "supabase" ? (c.env.SUPABASE_URL ?? null) : null,
      supabase_anon_key: mode === "supabase" ? (c.env.SUPABASE_ANON_KEY ?? null) : null,
      environment: c.env.ENVIRONMENT,
    },
    200,
  );
});
