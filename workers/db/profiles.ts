/** Profiles: the owner's own row (by tenant id) and the public read path (by username). */
import type { Sql } from "postgres";
import { z } from "zod";
import { PublicAgentSchema, SocialLinksSchema } from "../../shared/api/profile.ts";
import type { Profile, PublicProfile, UpdateProfile } from "../../shared/api/profile.ts";
import { usernameFromEmail } from "../../shared/username.ts";
import { PG_UNIQUE_VIOLATION, isPgError } from "./client.ts";
import { AppError } from "../errors.ts";

interface ProfileRow {
  id: string;
  username: string;
  email: string | null;
  display_name: string | null;
  description: string | null;
  avatar_url: string | null;
  social_links: unknown;
  is_public: boolean;
  created_at: Date;
  updated_at: Date;
}

const PublicAgentsSchema = z.array(PublicAgentSchema);

const socialLinks = (v: unknown) => {
  const parsed = SocialLinksSchema.safeParse(v);
  return parsed.success ? parsed.data : {};
};

function toProfile(r: ProfileRow): Profile {
  return {
    ...r,
    social_links: socialLinks(r.social_links),
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export async function getProfile(sql: Sql, tenantId: string): Promise<Profile | null> {
  const [row] = await sql<ProfileRow[]>`select * from profiles where id = ${tenantId}`;
  return row ? toProfile(row) : null;
}

/**
 * The tenant's profile, created on first use with a username from the email's local part
 * (made unique with a numeric suffix). Safe when two first requests race.
 */
export async function ensureProfile(
  sql: Sql,
  tenantId: string,
  email: string | null,
): Promise<Profile> {
  const existing = await getProfile(sql, tenantId);
  if (existing) return existing;
  const base = usernameFromEmail(email ?? `user-${tenantId.slice(0, 8)}`);
  for (let attempt = 0; attempt < 12; attempt++) {
    const suffix =
      attempt === 0 ? "" : attempt < 6 ? `-${attempt + 1}` : `-${crypto.randomUUID().slice(0, 6)}`;
    const username = `${base}${suffix}`.slice(0, 30);
    const [row] = await sql<ProfileRow[]>`
      insert into profiles (id, username, email) values (${tenantId}, ${username}, ${email})
      on conflict do nothing returning *`;
    if (row) return toProfile(row);
    const raced = await getProfile(sql, tenantId);
    if (raced) return raced;
  }
  throw new AppError(
    "INTERNAL_ERROR",
    500,
    "Could not create a profile for this account. Try again.",
  );
}

export async function updateProfile(
  sql: Sql,
  tenantId: string,
  patch: UpdateProfile,
): Promise<Profile | null> {
  const { social_links, ...rest } = patch;
  const values = { ...rest, ...(social_links ? { social_links: sql.json(social_links) } : {}) };
  try {
    const [row] = await sql<
      ProfileRow[]
    >`update profiles set ${sql(values)} where id = ${tenantId} returning *`;
    return row ? toProfile(row) : null;
  } catch (err) {
    if (isPgError(err, PG_UNIQUE_VIOLATION)) {
      throw new AppError("USERNAME_TAKEN", 409, "That username is taken. Choose another.", [
        { field: "username", message: "already taken" },
      ]);
    }
    throw err;
  }
}

/** Whether `username` is free for `tenantId` (their own current name counts as free). */
export async function isUsernameFree(
  sql: Sql,
  tenantId: string,
  username: string,
): Promise<boolean> {
  const [row] = await sql<{ id: string }[]>`select id from profiles where username = ${username}`;
  return !row || row.id === tenantId;
}

/**
 * A public profile with its public, active agents, read through the public views only, in one
 * query: the public page waits on it before its first render, and each round trip to Postgres
 * is on that path.
 */
export async function getPublicProfile(sql: Sql, username: string): Promise<PublicProfile | null> {
  const [profile] = await sql<
    (Omit<ProfileRow, "id" | "email" | "is_public" | "created_at" | "updated_at"> & {
      agents: unknown;
    })[]
  >`
    select p.username, p.display_name, p.description, p.avatar_url, p.social_links,
      coalesce(
        (select json_agg(json_build_object(
            'id', a.id, 'name', a.name, 'description', a.description, 'icon', a.icon)
          order by a.created_at, a.name)
         from public_agents a where a.username = p.username),
        '[]'::json) as agents
    from public_profiles p where p.username = ${username}`;
  if (!profile) return null;
  return {
    ...profile,
    social_links: socialLinks(profile.social_links),
    agents: PublicAgentsSchema.parse(profile.agents),
  };
}

/** The owner's current username (null before their profile exists). */
export async function usernameOf(sql: Sql, tenantId: string): Promise<string | null> {
  const [row] = await sql<
    { username: string }[]
  >`select username from profiles where id = ${tenantId}`;
  return row?.username ?? null;
}
