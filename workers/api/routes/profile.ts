/** The signed-in owner's profile. */
import { createRoute } from "@hono/zod-openapi";
import {
  ProfileSchema,
  UpdateProfileSchema,
  UsernameAvailabilityQuerySchema,
  UsernameAvailabilitySchema,
} from "../../../shared/api/profile.ts";
import { UsernameSchema } from "../../../shared/username.ts";
import { getProfile, isUsernameFree, updateProfile } from "../../db/profiles.ts";
import { notFound } from "../../errors.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { forgetPublicProfileOnChange } from "../public-profile-cache.ts";
import { bearerSecurity, createRouter, errorResponses, json } from "../router.ts";

export const profileRoutes = createRouter();
profileRoutes.use("*", requireOwner);
profileRoutes.use("*", forgetPublicProfileOnChange);

profileRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["profile"],
    summary: "Your profile",
    security: bearerSecurity,
    responses: {
      200: { description: "The profile", ...json(ProfileSchema) },
      ...errorResponses(401),
    },
  }),
  async (c) => {
    const profile = await getProfile(c.var.db(), c.var.tenant.id);
    if (!profile) throw notFound("PROFILE_NOT_FOUND", "Your profile");
    return c.json(profile, 200);
  },
);

profileRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/",
    tags: ["profile"],
    summary: "Change your profile",
    security: bearerSecurity,
    request: { body: { required: true, ...json(UpdateProfileSchema) } },
    responses: {
      200: { description: "The updated profile", ...json(ProfileSchema) },
      ...errorResponses(400, 401, 409, 413),
    },
  }),
  async (c) => {
    const profile = await updateProfile(c.var.db(), c.var.tenant.id, c.req.valid("json"));
    if (!profile) throw notFound("PROFILE_NOT_FOUND", "Your profile");
    return c.json(profile, 200);
  },
);

profileRoutes.openapi(
  createRoute({
    method: "get",
    path: "/username-available",
    tags: ["profile"],
    summary: "Is a username free?",
    security: bearerSecurity,
    request: { query: UsernameAvailabilityQuerySchema },
    responses: {
      200: { description: "Availability", ...json(UsernameAvailabilitySchema) },
      ...errorResponses(400, 401),
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
    const free = await isUsernameFree(c.var.db(), c.var.tenant.id, username);
    return c.json(
      free
        ? { username, available: true }
        : { username, available: false, reason: "already taken" },
      200,
    );
  },
);
