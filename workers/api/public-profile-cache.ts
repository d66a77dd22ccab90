/**
 * The public profile answer kept in the Worker's cache (the Cache API of the data centre that
 * served it) for as long as browsers may keep it anyway (`max-age`). A public page's first
 * render waits on this answer, and without the cache each visitor's load pays a Postgres round
 * trip through Hyperdrive for data that changes only when its owner edits the profile or an
 * agent.
 *
 * An owner's successful change to their profile or agents drops their cached answer (under the
 * username before and after the change), so their own next look is fresh. The Cache API is per
 * data centre: visitors elsewhere may see the previous answer for up to PUBLIC_PROFILE_MAX_AGE_S
 * seconds, the staleness the response's `cache-control` already allows their browsers.
 */
import type { MiddlewareHandler } from "hono";
import { PublicProfileSchema, type PublicProfile } from "../../shared/api/profile.ts";
import { usernameOf } from "../db/profiles.ts";
import type { AppEnv } from "../env.ts";

export const PUBLIC_PROFILE_MAX_AGE_S = 30;

const cacheKey = (username: string) =>
  new Request(`https://public-profile.cache.nooble.internal/${encodeURIComponent(username)}`);

/** The cached answer for `username`, or null (not cached, expired, or not parseable). */
export async function cachedPublicProfile(username: string): Promise<PublicProfile | null> {
  const hit = await caches.default.match(cacheKey(username));
  if (!hit) return null;
  const parsed = PublicProfileSchema.safeParse(await hit.json().catch(() => null));
  return parsed.success ? parsed.data : null;
}

export async function keepPublicProfile(username: string, profile: PublicProfile): Promise<void> {
  await caches.default.put(
    cacheKey(username),
    new Response(JSON.stringify(profile), {
      headers: {
        "content-type": "application/json",
        "cache-control": `public, max-age=${PUBLIC_PROFILE_MAX_AGE_S}`,
      },
    }),
  );
}

/**
 * For owner routes that change what their public profile shows (the profile, the agents):
 * after a change succeeds, drops the cached answer under the username before and after it.
 * Reads and the retrieval test (`…/search`) change nothing and pass straight through.
 */
export const forgetPublicProfileOnChange: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.path.endsWith("/search"))
    return next();
  const before = await usernameOf(c.var.db(), c.var.tenant.id);
  await next();
  if (c.res.status >= 400) return;
  const after = await usernameOf(c.var.db(), c.var.tenant.id);
  const names = new Set([before, after].filter((u): u is string => u !== null));
  await Promise.all([...names].map((u) => caches.default.delete(cacheKey(u))));
};
