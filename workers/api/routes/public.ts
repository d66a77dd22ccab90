/** Public, unauthenticated reads: profile pages and their public agents, and username availability for sign-up. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  PublicProfileSchema,
  UsernameAvailabilityQuerySchema,
  UsernameAvailabilitySchema,
} from "../../../shared/api/profile.ts";
import { USERNAME_PATTERN, UsernameSchema } from "../../../shared/username.ts";
import { getPublicProfile, isUsernameFree } from "../../db/profiles.ts";
import { notFound } from "../../errors.ts";
import { noModelConfigured } from "../../llm/select.ts";
import {
  PUBLIC_PROFILE_MAX_AGE_S,
  cachedPublicProfile,
  keepPublicProfile,
} from "../public-profile-cache.ts";
import { createRouter, errorResponses } from "../router.ts";

export const publicRoutes = createRouter().openapi(
  createRoute({
    method: "get",
    path: "/profiles/{username}",
    tags: ["public"],
    summary: "A public profile and its public agents",
    request: { params: z.object({ username: z.string().max(100) }) },
    responses: {
      200: {
        description: "The profile",
        content: { "application/json": { schema: PublicProfileSchema } },
      },
      ...errorResponses(404),
    },
  }),
  async (c) => {
    const username = c.req.valid("param").username.toLowerCase();
    if (!USERNAME_PATTERN.test(username))
      throw notFound("PROFILE_NOT_FOUND", `The profile "${username}"`);
    let profile = await cachedPublicProfile(username);
    c.header("x-nooble-cache", profile ? "hit" : "miss");
    if (!profile) {
      profile = await getPublicProfile(c.var.db(), username);
      if (!profile) throw notFound("PROFILE_NOT_FOUND", `The profile "${username}"`);
      c.executionCtx.waitUntil(keepPublicProfile(username, profile));
    }
    c.header("cache-control", `public, max-age=${PUBLIC_PROFILE_MAX_AGE_S}`);
    if (!noModelConfigured(c.env)) return c.json(profile, 200);
    const agents = profile.agents.map((a) => ({ ...a, quotes_only: true }));
    return c.json({ ...profile, agents }, 200);
  },
);

publicRoutes.openapi(
  createRoute({
    method: "get",
    path: "/username-available",
    tags: ["public"],
    summary: "Is a username free? (for the sign-up form, before an account exists)",
    request: { query: UsernameAvailabilityQuerySchema },
    responses: {
      200: {
        description: "Availability",
        content: { "application/json": { schema: UsernameAvailabilitySchema } },
      },
      ...errorResponses(400),
    },
  }),
  async (c) => {
    const username = c.req.valid("query").username.trim().toLowerCase();
    const valid = UsernameSchema.safeParse(username);
    if (!valid.success) {
      return c.json(
        {
          username,
          available: false,
          reason: valid.error.issues[0]?.message ?? "not a valid username",
        },
        200,
      );
    }
    // No tenant yet: the nil id owns no profile, so any existing row means "taken".
    const free = await isUsernameFree(c.var.db(), "00000000-0000-0000-0000-000000000000", username);
    return c.json(
      free
        ? { username, available: true }
        : { username, available: false, reason: "already taken" },
      200,
    );
  },
);
