/** Public, unauthenticated reads: profile pages and their public agents. */
import { createRoute, z } from "@hono/zod-openapi";
import { PublicProfileSchema } from "../../../shared/api/profile.ts";
import { USERNAME_PATTERN } from "../../../shared/username.ts";
import { getPublicProfile } from "../../db/profiles.ts";
import { notFound } from "../../errors.ts";
import { createRouter, errorResponses } from "../router.ts";

export const publicRoutes = createRouter().openapi(
  createRoute({
    method: "get", path: "/profiles/{username}", tags: ["public"], summary: "A public profile and its public agents",
    request: { params: z.object({ username: z.string().max(100) }) },
    responses: { 200: { description: "The profile", content: { "application/json": { schema: PublicProfileSchema } } }, ...errorResponses(404) },
  }),
  async (c) => {
    const username = c.req.valid("param").username.toLowerCase();
    const profile = USERNAME_PATTERN.test(username) ? await getPublicProfile(c.var.db(), username) : null;
    if (!profile) throw notFound("PROFILE_NOT_FOUND", `The profile "${username}"`);
    c.header("cache-control", "public, max-age=30");
    return c.json(profile, 200);
  },
);
