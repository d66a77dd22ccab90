import { describe, expect, it } from "vitest";
import type { Profile, PublicProfile } from "../../../../shared/api/profile.ts";
import { PublicProfileSchema } from "../../../../shared/api/profile.ts";
import { api, createAgent, expectError, signIn } from "../../helpers.ts";

const SECRET_PROMPT = "TOP-SECRET-PROMPT-do-not-leak";

/** An owner with a public profile and one agent of each visibility. */
async function ownerWithAgents() {
  const owner = await signIn();
  const profile = (await (await api("/api/v1/profile", { token: owner.token })).json()) as Profile;
  const shown = await createAgent(owner.token, {
    name: "Shown",
    description: "Ask me",
    icon: "bot",
    is_public: true,
    system_prompt_override: SECRET_PROMPT,
    execution_config: { temperature: 1.3 },
  });
  const privateAgent = await createAgent(owner.token, { name: "Private", is_public: false });
  const inactive = await createAgent(owner.token, {
    name: "Inactive",
    is_public: true,
    is_active: false,
  });
  return { ...owner, username: profile.username, shown, privateAgent, inactive };
}

const publicProfile = (username: string) =>
  api(`/api/v1/public/profiles/${encodeURIComponent(username)}`);

describe("GET /api/v1/public/profiles/{username}", () => {
  it("shows the display fields and only public, active agents, without a token", async () => {
    const owner = await ownerWithAgents();
    await api("/api/v1/profile", {
      method: "PATCH",
      token: owner.token,
      json: { display_name: "Pat", social_links: { website: "https://pat.example" } },
    });
    const res = await publicProfile(owner.username);
    expect(res.status).toBe(200);
    const body = PublicProfileSchema.parse(await res.json());
    expect(body).toMatchObject({
      username: owner.username,
      display_name: "Pat",
      social_links: { website: "https://pat.example" },
    });
    // No language model key in the tests: the page can say at once that answers quote documents.
    expect(body.agents).toEqual([
      { id: owner.shown.id, name: "Shown", description: "Ask me", icon: "bot", quotes_only: true },
    ]);
  });

  it("lists the public agents oldest first, and none as an empty list", async () => {
    const owner = await signIn();
    const profile = (await (
      await api("/api/v1/profile", { token: owner.token })
    ).json()) as Profile;
    const none = PublicProfileSchema.parse(await (await publicProfile(profile.username)).json());
    expect(none.agents).toEqual([]);
    const first = await createAgent(owner.token, { name: "Zed", is_public: true });
    const second = await createAgent(owner.token, { name: "Amy", is_public: true });
    const two = PublicProfileSchema.parse(await (await publicProfile(profile.username)).json());
    expect(two.agents.map((a) => a.id)).toEqual([first.id, second.id]);
  });

  it("never exposes system prompts, configs, owner ids or the email", async () => {
    const owner = await ownerWithAgents();
    const text = await (await publicProfile(owner.username)).text();
    expect(text).toContain(owner.shown.id);
    for (const hidden of [
      SECRET_PROMPT,
      "system_prompt",
      "execution_config",
      "query_config",
      "rag_config",
      "temperature",
      owner.userId,
      owner.email,
      "owner_id",
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it("lists an agent only while it is both public and active", async () => {
    const owner = await ownerWithAgents();
    const listed = async () =>
      ((await (await publicProfile(owner.username)).json()) as PublicProfile).agents.map(
        (a) => a.name,
      );
    const change = (id: string, json: unknown) =>
      api(`/api/v1/agents/${id}`, { method: "PATCH", token: owner.token, json });
    await change(owner.shown.id, { is_active: false });
    expect(await listed()).toEqual([]);
    await change(owner.inactive.id, { is_active: true });
    expect(await listed()).toEqual(["Inactive"]);
    await change(owner.inactive.id, { is_public: false });
    expect(await listed()).toEqual([]);
  });

  it("finds the profile when the username is typed in upper case", async () => {
    const owner = await ownerWithAgents();
    const res = await publicProfile(owner.username.toUpperCase());
    expect(res.status).toBe(200);
    expect(((await res.json()) as PublicProfile).username).toBe(owner.username);
  });

  it("answers 404 PROFILE_NOT_FOUND for an unknown username", async () => {
    await expectError(
      await publicProfile(`nobody-${crypto.randomUUID().slice(0, 8)}`),
      404,
      "PROFILE_NOT_FOUND",
    );
  });

  it("answers 404 PROFILE_NOT_FOUND for a name that cannot be a username", async () => {
    await expectError(await publicProfile("no such name!"), 404, "PROFILE_NOT_FOUND");
  });

  it("answers 404 PROFILE_NOT_FOUND once the owner makes the profile private", async () => {
    const owner = await ownerWithAgents();
    const res = await api("/api/v1/profile", {
      method: "PATCH",
      token: owner.token,
      json: { is_public: false },
    });
    expect(res.status).toBe(200);
    const error = await expectError(await publicProfile(owner.username), 404, "PROFILE_NOT_FOUND");
    expect(error.message).not.toContain(SECRET_PROMPT);
  });

  it("is answered from the Worker's cache, and shows an owner's change at once", async () => {
    const owner = await ownerWithAgents();
    const agentNames = async (res: Response) =>
      ((await res.json()) as PublicProfile).agents.map((a) => a.name);
    expect((await publicProfile(owner.username)).headers.get("x-nooble-cache")).toBe("miss");
    const cached = await publicProfile(owner.username);
    expect(cached.headers.get("x-nooble-cache")).toBe("hit");
    expect(await agentNames(cached)).toEqual(["Shown"]);

    // An agent renamed, one published, one deleted: each seen by the next read.
    await api(`/api/v1/agents/${owner.shown.id}`, {
      method: "PATCH",
      token: owner.token,
      json: { name: "Renamed" },
    });
    expect(await agentNames(await publicProfile(owner.username))).toEqual(["Renamed"]);
    await api(`/api/v1/agents/${owner.privateAgent.id}`, {
      method: "PATCH",
      token: owner.token,
      json: { is_public: true },
    });
    expect(await agentNames(await publicProfile(owner.username))).toEqual(["Renamed", "Private"]);
    await api(`/api/v1/agents/${owner.shown.id}`, { method: "DELETE", token: owner.token });
    expect(await agentNames(await publicProfile(owner.username))).toEqual(["Private"]);

    // A new username: the old one is gone at once, the new one answers.
    const renamed = `${owner.username.slice(0, 20)}-new`;
    const patched = await api("/api/v1/profile", {
      method: "PATCH",
      token: owner.token,
      json: { username: renamed },
    });
    expect(patched.status).toBe(200);
    await expectError(await publicProfile(owner.username), 404, "PROFILE_NOT_FOUND");
    expect(await agentNames(await publicProfile(renamed))).toEqual(["Private"]);
  });
});
