import { describe, expect, it } from "vitest";
import type { Profile } from "../../../../shared/api/profile.ts";
import { api, expectError, fieldPaths, signIn } from "../../helpers.ts";

const tag = () => crypto.randomUUID().slice(0, 8);
const getProfile = async (token: string) => {
  const res = await api("/api/v1/profile", { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Profile;
};
const patch = (token: string, json: unknown) =>
  api("/api/v1/profile", { method: "PATCH", token, json });
const availability = async (token: string, username: string) => {
  const res = await api(
    `/api/v1/profile/username-available?username=${encodeURIComponent(username)}`,
    { token },
  );
  expect(res.status).toBe(200);
  return (await res.json()) as { username: string; available: boolean; reason?: string };
};

describe("/api/v1/profile", () => {
  it("creates the profile on first use with a username cleaned from the email's local part", async () => {
    const t = tag();
    const owner = await signIn(`Jane.Doe+${t}@Example.com`);
    const profile = await getProfile(owner.token);
    expect(profile).toMatchObject({
      id: owner.userId,
      username: `jane-doe-${t}`,
      is_public: true,
      social_links: {},
    });
    expect(profile.username).toMatch(/^[a-z0-9_-]{3,30}$/);
  });

  it("gives a second owner with the same local part a suffixed, unique username", async () => {
    const t = tag();
    const first = await getProfile((await signIn(`jane.doe+${t}@one.example`)).token);
    const second = await getProfile((await signIn(`jane.doe+${t}@two.example`)).token);
    expect(first.username).toBe(`jane-doe-${t}`);
    expect(second.username).toBe(`jane-doe-${t}-2`);
  });

  it("changes display name, description, avatar, social links and visibility", async () => {
    const { token } = await signIn();
    const changes = {
      display_name: "Jane Doe",
      description: "I build agents.",
      avatar_url: "https://cdn.example.com/jane.png",
      social_links: { website: "https://jane.example", github: "https://github.com/jane" },
      is_public: false,
    };
    const res = await patch(token, changes);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject(changes);
    expect(await getProfile(token)).toMatchObject(changes);
  });

  it("changes the username to a free one", async () => {
    const { token } = await signIn();
    const username = `new-name-${tag()}`;
    const res = await patch(token, { username });
    expect(res.status).toBe(200);
    expect((await getProfile(token)).username).toBe(username);
  });

  it("refuses a username another owner has with 409 USERNAME_TAKEN", async () => {
    const other = await getProfile((await signIn()).token);
    const { token } = await signIn();
    const before = await getProfile(token);
    const error = await expectError(
      await patch(token, { username: other.username }),
      409,
      "USERNAME_TAKEN",
    );
    expect(fieldPaths(error)).toContain("username");
    expect((await getProfile(token)).username).toBe(before.username);
  });

  it.each(["admin", "docs", "sign-in", "api"])(
    "refuses the reserved username %s naming `username`",
    async (username) => {
      const { token } = await signIn();
      const error = await expectError(await patch(token, { username }), 400, "VALIDATION_FAILED");
      expect(fieldPaths(error)).toContain("username");
    },
  );

  it.each(["ab", "Has Spaces", "x".repeat(31)])(
    "refuses the malformed username %j naming `username`",
    async (username) => {
      const { token } = await signIn();
      const error = await expectError(await patch(token, { username }), 400, "VALIDATION_FAILED");
      expect(fieldPaths(error)).toContain("username");
    },
  );

  it.each([
    [{ avatar_url: "not a url" }, "avatar_url"],
    [{ avatar_url: "javascript:alert(1)" }, "avatar_url"],
    [{ social_links: { website: "ftp://files.example" } }, "social_links.website"],
    [{ social_links: { myspace: "https://myspace.com/x" } }, "social_links.myspace"],
  ])("refuses %j naming the field %s", async (body, field) => {
    const { token } = await signIn();
    const error = await expectError(await patch(token, body), 400, "VALIDATION_FAILED");
    expect(fieldPaths(error)).toContain(field);
  });

  it("refuses an empty change with a message saying what to send", async () => {
    const { token } = await signIn();
    const error = await expectError(await patch(token, {}), 400, "VALIDATION_FAILED");
    expect(error.message).toMatch(/at least one field/);
  });

  it("requires a token", async () => {
    await expectError(await api("/api/v1/profile"), 401, "UNAUTHENTICATED");
    await expectError(
      await api("/api/v1/profile", { method: "PATCH", json: { display_name: "x" } }),
      401,
      "UNAUTHENTICATED",
    );
  });
});

describe("GET /api/v1/profile/username-available", () => {
  it("says a free username is available", async () => {
    const { token } = await signIn();
    expect(await availability(token, `free-${tag()}`)).toMatchObject({ available: true });
  });

  it("says another owner's username is taken, and the caller's own is available", async () => {
    const other = await getProfile((await signIn()).token);
    const { token } = await signIn();
    const mine = await getProfile(token);
    expect(await availability(token, other.username)).toEqual({
      username: other.username,
      available: false,
      reason: "already taken",
    });
    expect(await availability(token, mine.username.toUpperCase())).toEqual({
      username: mine.username,
      available: true,
    });
  });

  it("says reserved and malformed usernames are not available, with the reason", async () => {
    const { token } = await signIn();
    expect(await availability(token, "admin")).toMatchObject({
      available: false,
      reason: expect.stringMatching(/reserved/),
    });
    expect(await availability(token, "no way!")).toMatchObject({
      available: false,
      reason: expect.stringMatching(/3-30 characters/),
    });
  });

  it("requires the username parameter", async () => {
    const { token } = await signIn();
    const error = await expectError(
      await api("/api/v1/profile/username-available", { token }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain("username");
  });
});
