/**
 * POST /api/v1/chat/init: a visitor may start a chat with a public, active agent of a public
 * owner; the owner may test-chat with their own private agent; anything else is a 404 at once.
 */
import { describe, expect, it } from "vitest";
import { ChatInitResponseSchema } from "../../../shared/api/chat.ts";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import { initRequest, publicAgent, sessionStub } from "./helpers.ts";

describe("POST /api/v1/chat/init", () => {
  it("starts a session with a public agent and says where to connect", async () => {
    const { agent } = await publicAgent({ name: "Front Desk" });
    const res = await initRequest({
      agent_id: agent.id,
      user_id: "visitor-7",
      metadata: { page: "/pricing" },
    });
    expect(res.status).toBe(201);
    const body = ChatInitResponseSchema.parse(await res.json());
    expect(body).toMatchObject({ status: "initialized", agent_name: "Front Desk" });
    expect(body.session_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.session_token.split(".")).toHaveLength(3);
    expect(body.websocket_url).toBe(`ws://nooble.test/ws/chat/${body.session_id}`);

    const status = await sessionStub(body.session_id).status();
    expect(status).toMatchObject({
      session_id: body.session_id,
      is_active: true,
      message_count: 0,
      active_task_id: null,
    });
  });

  it("tells the client the longest message it takes and that answers quote the documents when no language model is configured", async () => {
    const { agent } = await publicAgent();
    const res = await initRequest({ agent_id: agent.id });
    const body = ChatInitResponseSchema.parse(await res.json());
    // No GROQ_API_KEY or OPENAI_API_KEY in the test environment: the extractive provider answers.
    expect(body).toMatchObject({ max_message_chars: 4000, quotes_only: true });
  });

  it("gives each init its own session", async () => {
    const { agent } = await publicAgent();
    const first = ChatInitResponseSchema.parse(
      await (await initRequest({ agent_id: agent.id })).json(),
    );
    const second = ChatInitResponseSchema.parse(
      await (await initRequest({ agent_id: agent.id })).json(),
    );
    expect(second.session_id).not.toBe(first.session_id);
    expect(second.session_token).not.toBe(first.session_token);
  });

  it("answers 404 AGENT_NOT_FOUND for an unknown agent id and for a non-uuid id", async () => {
    await expectError(await initRequest({ agent_id: crypto.randomUUID() }), 404, "AGENT_NOT_FOUND");
    await expectError(await initRequest({ agent_id: "not-an-agent" }), 404, "AGENT_NOT_FOUND");
  });

  it("answers 404 for a private agent and for an inactive public agent, with the same error as an unknown one", async () => {
    const owner = await signIn();
    const privateAgent = await createAgent(owner.token, { is_public: false });
    const inactive = await createAgent(owner.token, { is_public: true, is_active: false });
    await expectError(await initRequest({ agent_id: privateAgent.id }), 404, "AGENT_NOT_FOUND");
    await expectError(await initRequest({ agent_id: inactive.id }), 404, "AGENT_NOT_FOUND");
  });

  it("answers 404 for a public agent whose owner's profile is private", async () => {
    const { token, agent } = await publicAgent();
    const patch = await api("/api/v1/profile", {
      method: "PATCH",
      token,
      json: { is_public: false },
    });
    expect(patch.status).toBe(200);
    await expectError(await initRequest({ agent_id: agent.id }), 404, "AGENT_NOT_FOUND");
  });

  it("lets the owner test-chat with their own private agent but not another owner", async () => {
    const owner = await signIn();
    const stranger = await signIn();
    const privateAgent = await createAgent(owner.token, { is_public: false, name: "Draft" });

    const own = await initRequest({ agent_id: privateAgent.id }, { token: owner.token });
    expect(own.status).toBe(201);
    expect(ChatInitResponseSchema.parse(await own.json()).agent_name).toBe("Draft");

    await expectError(
      await initRequest({ agent_id: privateAgent.id }, { token: stranger.token }),
      404,
      "AGENT_NOT_FOUND",
    );
    await expectError(
      await initRequest({ agent_id: privateAgent.id }, { token: "not.a.jwt" }),
      404,
      "AGENT_NOT_FOUND",
    );
  });

  it("rejects a malformed body with 400 VALIDATION_FAILED", async () => {
    const { agent } = await publicAgent();
    await expectError(await initRequest({}), 400, "VALIDATION_FAILED");
    await expectError(await initRequest({ agent_id: 42 }), 400, "VALIDATION_FAILED");
    await expectError(
      await initRequest({ agent_id: agent.id, unexpected: true }),
      400,
      "VALIDATION_FAILED",
    );
    await expectError(
      await initRequest({ agent_id: agent.id, metadata: { nested: { too: "deep" } } }),
      400,
      "VALIDATION_FAILED",
    );
    const notJson = await api("/api/v1/chat/init", {
      method: "POST",
      body: "{agent_id:",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
  });
});
