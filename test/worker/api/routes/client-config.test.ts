import { describe, expect, it } from "vitest";
import { ClientConfigSchema } from "../../../../shared/api/client-config.ts";
import { UsernameAvailabilitySchema } from "../../../../shared/api/profile.ts";
import type { Profile } from "../../../../shared/api/profile.ts";
import { api, signIn } from "../../helpers.ts";

describe("GET /api/v1/client-config", () => {
  it("offers the development sign-in in development, and no Supabase settings", async () => {
    const res = await api("/api/v1/client-config");
    expect(res.status).toBe(200);
    const body = ClientConfigSchema.parse(await res.json());
    expect(body).toEqual({
      auth_mode: "dev",
      supabase_url: null,
      supabase_anon_key: null,
      environment: "development",
    });
  });
});

describe("GET /api/v1/public/username-available (sign-up form, no token)", () => {
  const check = async (username: string) => {
    const res = await api(
      `/api/v1/public/username-available?username=${encodeURIComponent(username)}`,
    );
    expect(res.status).toBe(200);
    return UsernameAvailabilitySchema.parse(await res.json());
  };

  it("says a free, valid name is available", async () => {
    expect(await check(`free-${crypto.randomUUID().slice(0, 8)}`)).toMatchObject({
      available: true,
    });
  });

  it("says a name someone has is taken", async () => {
    const owner = await signIn();
    const profile = (await (
      await api("/api/v1/profile", { token: owner.token })
    ).json()) as Profile;
    expect(await check(profile.username)).toEqual({
      username: profile.username,
      available: false,
      reason: "already taken",
    });
  });

  it("says why a reserved or malformed name cannot be used", async () => {
    expect(await check("dashboard")).toMatchObject({
      available: false,
      reason: "this username is reserved",
    });
    expect((await check("a!")).available).toBe(false);
  });

  it("answers 400 without a username", async () => {
    const res = await api("/api/v1/public/username-available");
    expect(res.status).toBe(400);
  });
});
