/**
 * Control characters in visitor messages, on every way in (socket frame, its shorthand, REST
 * task, chat/init's initial_message): dropped before the message is checked, so a message of
 * only NULs is refused as empty and never stored; frame ids with them are invalid frames.
 */
import { describe, expect, it, vi } from "vitest";
import { api, expectError, fieldPaths } from "../helpers.ts";
import {
  ask,
  expectErrorFrame,
  initRequest,
  openSocket,
  publicAgent,
  recordConversationActions,
  sql,
  startChat,
} from "../chat/helpers.ts";

const sent = recordConversationActions();
const userMessages = (sessionId: string) =>
  sql<{ content: string }>(
    sessionId,
    "select content from messages where role = 'user' order by seq",
  );

describe("control characters in chat messages", () => {
  it("refuses a socket message made only of NULs and control characters as MESSAGE_EMPTY, storing nothing", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    expectErrorFrame(
      await socket.reply({ message_type: "chat_message", data: { content: "\u0000" } }, "error"),
      "MESSAGE_EMPTY",
    );
    expectErrorFrame(
      await socket.reply({ type: "user_message", content: "\u0000\u001b\u009b \u0000" }, "error"),
      "MESSAGE_EMPTY",
    );
    expect(socket.ofType("chat_processing")).toEqual([]);
    expect(await userMessages(chat.session_id)).toEqual([]);
    socket.close();
  });

  it("refuses the same over REST, naming user_message", async () => {
    const chat = await startChat();
    const res = await api(`/api/v1/chat/${chat.session_id}/task`, {
      method: "POST",
      token: chat.session_token,
      json: { user_message: "\u0000\u0000" },
    });
    expect(fieldPaths(await expectError(res, 400, "MESSAGE_EMPTY"))).toEqual(["user_message"]);
    expect(await userMessages(chat.session_id)).toEqual([]);
  });

  it("refuses an initial_message of NULs before any session is made, naming it", async () => {
    const { agent } = await publicAgent();
    const error = await expectError(
      await initRequest({ agent_id: agent.id, initial_message: "\u0000" }),
      400,
      "MESSAGE_EMPTY",
    );
    expect(fieldPaths(error)).toEqual(["initial_message"]);
  });

  it("stores and answers a message with its control characters dropped, line breaks kept", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    await ask(socket, "What\u0000 do you\u0007 offer?\nThanks");
    expect(await userMessages(chat.session_id)).toEqual([
      { content: "What do you offer?\nThanks" },
    ]);
    // The turn's conversation action (what Postgres gets) leaves through the session's outbox.
    const storedUser = () =>
      sent()
        .flatMap((a) =>
          a.session_id === chat.session_id
            ? (a.data["messages"] as { role: string; content: string }[])
            : [],
        )
        .find((m) => m.role === "user");
    await vi.waitFor(() => expect(storedUser()?.content).toBe("What do you offer?\nThanks"));
    socket.close();
  });

  it("answers a frame whose ids carry control characters with INVALID_FRAME", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    expectErrorFrame(
      await socket.reply(
        { message_type: "chat_message", message_id: "m\u0000", data: { content: "hi" } },
        "error",
      ),
      "INVALID_FRAME",
    );
    expectErrorFrame(
      await socket.reply(
        { message_type: "resume", data: { task_id: "t\u0000", last_chunk_index: 0 } },
        "error",
      ),
      "INVALID_FRAME",
    );
    expect(socket.ofType("chat_processing")).toEqual([]);
    socket.close();
  });
});
