/**
 * Session routes and the chat WebSocket: a session id alone grants nothing, a token opens only
 * its own session, a foreign Origin cannot open the socket, and a deleted session stays ended.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ChatStatusSchema } from "../../../shared/api/chat.ts";
import type { ChatSession } from "../../../durable-objects/chat-session/chat-session.ts";
import { signSessionToken } from "../../../workers/auth/session-token.ts";
import { api, expectError } from "../helpers.ts";
import {
  connect,
  openSocket,
  recordConversationActions,
  sessionStub,
  sql,
  stageTask,
  startChat,
} from "./helpers.ts";
import type { ChatInit } from "./helpers.ts";

/** The three session routes, called with `token` as a bearer token (or none). */
const routes = (sessionId: string, token?: string) => {
  const auth = token ? { token } : {};
  return [
    api(`/api/v1/chat/${sessionId}/status`, auth),
    api(`/api/v1/chat/${sessionId}/task`, {
      method: "POST",
      json: { user_message: "hello" },
      ...auth,
    }),
    api(`/api/v1/chat/${sessionId}`, { method: "DELETE", ...auth }),
  ];
};

async function expectAllRefused(
  chat: ChatInit,
  token: string | undefined,
  code: "UNAUTHENTICATED" | "TOKEN_EXPIRED",
) {
  for (const res of await Promise.all(routes(chat.session_id, token)))
    await expectError(res, 401, code);
  const { res, socket } = await connect(chat.session_id, token ?? null);
  expect(socket).toBeNull();
  await expectError(res, 401, code);
}

const conversationActions = recordConversationActions();

describe("chat session access", () => {
  it("refuses every session route and the socket without a token", async () => {
    const chat = await startChat();
    await expectAllRefused(chat, undefined, "UNAUTHENTICATED");
  });

  it("refuses the token of another session", async () => {
    const chat = await startChat();
    const other = await startChat();
    await expectAllRefused(chat, other.session_token, "UNAUTHENTICATED");
  });

  it("refuses a garbage token and an owner's access token", async () => {
    const chat = await startChat();
    await expectAllRefused(chat, "garbage.token.value", "UNAUTHENTICATED");
    const signIn = await api("/api/v1/dev/sign-in", {
      method: "POST",
      json: { email: `auth-${crypto.randomUUID().slice(0, 8)}@example.com` },
    });
    const { access_token } = (await signIn.json()) as { access_token: string };
    await expectAllRefused(chat, access_token, "UNAUTHENTICATED");
  });

  it("refuses an expired session token with TOKEN_EXPIRED", async () => {
    const chat = await startChat();
    const { token } = await signSessionToken(
      env,
      { session_id: chat.session_id, agent_id: chat.agent.id, tenant_id: chat.agent.owner_id },
      -60,
    );
    await expectAllRefused(chat, token, "TOKEN_EXPIRED");
  });

  it("answers 404 SESSION_NOT_FOUND for a valid token of a session that was never started, and for a malformed id", async () => {
    const chat = await startChat();
    const ghost = crypto.randomUUID();
    const { token } = await signSessionToken(
      env,
      { session_id: ghost, agent_id: chat.agent.id, tenant_id: chat.agent.owner_id },
      600,
    );
    for (const res of await Promise.all(routes(ghost, token)))
      await expectError(res, 404, "SESSION_NOT_FOUND");
    const socket = await connect(ghost, token);
    expect(socket.res.status).toBe(404);
    await expectError(
      await api("/api/v1/chat/not-a-session/status", { token: chat.session_token }),
      404,
      "SESSION_NOT_FOUND",
    );
  });

  it("accepts the token in the query string for REST routes too", async () => {
    const chat = await startChat();
    const res = await api(`/api/v1/chat/${chat.session_id}/status?token=${chat.session_token}`);
    expect(res.status).toBe(200);
  });

  it("refuses a socket from a disallowed Origin with 403 ORIGIN_NOT_ALLOWED, even with a valid token", async () => {
    const chat = await startChat();
    const { res, socket } = await connect(chat.session_id, chat.session_token, {
      origin: "https://evil.example",
    });
    expect(socket).toBeNull();
    await expectError(res, 403, "ORIGIN_NOT_ALLOWED");
    const own = await connect(chat.session_id, chat.session_token, {
      origin: "http://nooble.test",
    });
    expect(own.res.status).toBe(101);
    own.socket?.close();
  });

  it("reports the session's status", async () => {
    const chat = await startChat();
    const res = await api(`/api/v1/chat/${chat.session_id}/status`, { token: chat.session_token });
    expect(res.status).toBe(200);
    const status = ChatStatusSchema.strict().parse(await res.json());
    expect(status).toMatchObject({
      session_id: chat.session_id,
      is_active: true,
      message_count: 0,
      active_task_id: null,
    });
    expect(Number.isNaN(Date.parse(status.last_activity ?? ""))).toBe(false);
  });

  it("drops the active task of a deleted session, so a late alarm runs nothing", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const del = await api(`/api/v1/chat/${chat.session_id}`, {
      method: "DELETE",
      token: chat.session_token,
    });
    expect(del.status).toBe(200);
    const stub = sessionStub(chat.session_id);
    expect(await stub.status()).toMatchObject({ is_active: false, active_task_id: null });
    // An alarm set before the session ended, firing now: the watchdog has nothing to restart.
    await runInDurableObject(stub, (instance: ChatSession) => instance.alarm());
    const tasks = await sql<{ id: string; status: string }>(
      chat.session_id,
      "select id, status from tasks",
    );
    expect(tasks).toEqual([{ id: taskId, status: "failed" }]);
    const answers = await sql(chat.session_id, "select id from messages where role = 'assistant'");
    expect(answers).toEqual([]);
  });

  it("ends a deleted session: inactive, sockets closed, new messages refused with SESSION_ENDED", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const closed = new Promise<number>((resolve) => socket.onClose(resolve));

    const del = await api(`/api/v1/chat/${chat.session_id}`, {
      method: "DELETE",
      token: chat.session_token,
    });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ status: "deleted" });
    expect(await closed).toBe(1000);

    const status = ChatStatusSchema.parse(
      await (
        await api(`/api/v1/chat/${chat.session_id}/status`, { token: chat.session_token })
      ).json(),
    );
    expect(status.is_active).toBe(false);
    const task = await api(`/api/v1/chat/${chat.session_id}/task`, {
      method: "POST",
      json: { user_message: "still there?" },
      token: chat.session_token,
    });
    await expectError(task, 410, "SESSION_ENDED");
    const reconnect = await connect(chat.session_id, chat.session_token);
    expect(reconnect.socket).toBeNull();
    // The session's own refusal, in the API's error shape with the request's id.
    const refused = await expectError(reconnect.res, 410, "SESSION_ENDED");
    expect(refused.request_id).toBe(reconnect.res.headers.get("x-request-id"));
    const ends = conversationActions().filter(
      (a) => a.session_id === chat.session_id && a.action_type === "conversation.session.end",
    );
    expect(ends.map((a) => a.data["reason"])).toEqual(["deleted"]);
  });
});
