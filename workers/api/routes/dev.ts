/**
 * POST /api/v1/dev/sign-in: development only. Answers exactly like an unknown route in any
 * other environment, so production does not even reveal that it exists.
 */
import { createRoute } from "@hono/zod-openapi";
import { DevSignInResponseSchema, DevSignInSchema } from "../../../shared/api/auth.ts";
import { DEV_TOKEN_TTL_SECONDS, mintDevToken } from "../../auth/dev-token.ts";
import { ensureProfile } from "../../db/profiles.ts";
import { AppError } from "../../errors.ts";
import { createRouter, errorResponses } from "../router.ts";

const route = createRoute({
  method: "post",
  path: "/sign-in",
  tags: ["development"],
  summary: "Development sign-in (ENVIRONMENT=development only)",
  description:
    "Mints an access token with the same claims as Supabase Auth, signed with the local secret. 404 outside development.",
  request: {
    body: { required: true, content: { "application/json": { schema: DevSignInSchema } } },
  },
  responses: {
    200: {
      description: "Signed in",
      content: { "application/json": { schema: DevSignInResponseSchema } },
    },
    ...errorResponses(400, 404),
  },
});

export const devRoutes = createRouter();

devRoutes.use("*", async (c, next) => {
  if (c.env.ENVIRONMENT !== "development")
    throw new AppError("ROUTE_NOT_FOUND", 404, `No route for ${c.req.method} ${c.req.path}.`);
  await next();
});

devRoutes.openapi(route, async (c) => {
  const { email } = c.req.valid("json");
  const secret = c.env.SUPABASE_JWT_SECRET;
  if (!secret) {
    throw new AppError(
      "INTERNAL_ERROR",
      500,
      "Dev sign-in needs SUPABASE_JWT_SECRET; `npm run dev` generates one in .dev.vars.",
    );
  }
  const normalized = email.toLowerCase();
  const { token, userId } = await mintDevToken(c.env, normalized, secret);
  await ensureProfile(c.var.db(), userId, normalized);
  return c.json(
    {
      access_token: token,
      token_type: "bearer" as const,
      expires_in: DEV_TOKEN_TTL_SECONDS,
      user: { id: userId, email: normalized },
    },
    200,
  );
});
