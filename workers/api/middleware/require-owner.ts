/**
 * Owner routes: verifies the bearer token, sets the tenant from its `sub` (never from a path or
 * body), and creates the owner's profile on first use.
 */
import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../../auth/verify-token.ts";
import { ensureProfile } from "../../db/profiles.ts";
import { AppError } from "../../errors.ts";
import type { AppEnv } from "../../env.ts";

/** Tenants whose profile this isolate has already seen, to skip the lookup on later requests. */
const knownTenants = new Set<string>();
const KNOWN_TENANTS_MAX = 10_000;

export const requireOwner = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization");
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new AppError(
      "UNAUTHENTICATED",
      401,
      "Sign in first: send `Authorization: Bearer <access token>`.",
    );
  }
  const tenant = await verifyAccessToken(match[1], c.env);
  c.set("tenant", tenant);
  c.set("log", c.var.log.with({ tenant_id: tenant.id }));
  if (!knownTenants.has(tenant.id)) {
    await ensureProfile(c.var.db(), tenant.id, tenant.email);
    if (knownTenants.size >= KNOWN_TENANTS_MAX) knownTenants.clear();
    knownTenants.add(tenant.id);
  }
  await next();
});
