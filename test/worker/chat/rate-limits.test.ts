/**
 * Abuse limits: messages per session per minute (CHAT_MESSAGES_PER_MINUTE) and chats started
 * per client address (the CHAT_INIT_LIMITER binding, 30 a minute). Both count in wall-clock
 * minutes, so each test starts well inside a minute rather than at its edge.
 */
import { describe, expect, it } from "vitest";
import { api, expectError } from "../helpers.ts";
import {
  expectErrorFrame,
  initRequest,
  openSocket,
  publicAgent,
  recordConversationActions,
  sessionStub,
  sql,
  startChat,
  uniqueAddress,
} from "./helpers.ts";

const MESSAGES_PER_MINUTE = 20; // CHAT_MESSAGES_PER_MINUTE in wrangler.toml
const INITS_PER_MINUTE = 30; // [[ratelimits]] CHAT_INIT_LIMITER

/** Waits for the next minute if fewer than `marginMs` are left in this one, so a whole test fits in one minute. */
async function startOfAMinute(marginMs = 15_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 100));
}

recordConversationActions();

describe("chat rate limits", () => {
  it(
    "refuses a session's message beyond CHAT_MESSAGES_PER_MINUTE with RATE_LIMITED, over the socket and REST",
    { timeout: 45_000 },
    async () => {
      const chat = await startChat();
      const socket = await openSocket(chat);
      const stub = sessionStub(chat.session_id);
      await startOfAMinute();

      for (let i = 0; i < MESSAGES_PER_MINUTE; i++) {
        const result = await stub.submit(`question ${i}`, "simple");
        if (!result.ok) throw new Error(`message ${i} refused: ${result.code}`);
        await socket.next("chat_response", (f) => f.task_id === result.task_id);
      }
      expect(await stub.submit("one too many", "simple")).toMatchObject({
        ok: false,
        code: "RATE_LIMITED",
        status: 429,
      });
      expectErrorFrame(
        await socket.reply(
          { message_type: "chat_message", data: { content: "and another" } },
          "error",
        ),
        "RATE_LIMITED",
      );
      const rest = await api(`/api/v1/chat/${chat.session_id}/task`, {
        method: "POST",
        token: chat.session_token,
        json: { user_message: "via REST" },
      });
      await expectError(rest, 429, "RATE_LIMITED");
      expect(await stub.status()).toMatchObject({
        message_count: 2 * MESSAGES_PER_MINUTE,
        active_task_id: null,
      });
      socket.close();
    },
  );

  it("accepts messages again once the minute has passed", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const stub = sessionStub(chat.session_id);
    const minute = Math.floor(Date.now() / 60_000);
    await sql(
      chat.session_id,
      "insert into rate (minute, count) values (?, ?), (?, ?)",
      minute,
      MESSAGES_PER_MINUTE,
      minute + 1,
      MESSAGES_PER_MINUTE,
    );
    expect(await stub.submit("limited", "simple")).toMatchObject({
      ok: false,
      code: "RATE_LIMITED",
    });

    await sql(chat.session_id, "update rate set minute = minute - 2");
    const allowed = await stub.submit("allowed again", "simple");
    if (!allowed.ok) throw new Error(`refused: ${allowed.code}`);
    await socket.next("chat_response", (f) => f.task_id === allowed.task_id);
    socket.close();
  });

  it(
    "refuses chat/init beyond the per-address limit with 429 RATE_LIMITED, and only for that address",
    { timeout: 45_000 },
    async () => {
      const { agent } = await publicAgent();
      const address = uniqueAddress();
      const init = () =>
        initRequest({ agent_id: agent.id }, { headers: { "cf-connecting-ip": address } });
      await startOfAMinute();

      // One after another: the embedded test database mixes up concurrent connections.
      for (let i = 0; i < INITS_PER_MINUTE; i++)
        expect((await init()).status, `init ${i + 1}`).toBe(201);
      await expectError(await init(), 429, "RATE_LIMITED");
      await expectError(
        await initRequest(
          { agent_id: crypto.randomUUID() },
          { headers: { "cf-connecting-ip": address } },
        ),
        429,
        "RATE_LIMITED",
      );
      expect((await initRequest({ agent_id: agent.id })).status).toBe(201);
    },
  );
});
