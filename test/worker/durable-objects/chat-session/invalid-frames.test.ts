/**
 * What the chat socket does with frames it cannot use: each gets an `error` frame with a code
 * and the socket keeps working. Message rules (empty, too long, one task at a time, advanced
 * mode) get their own clear codes.
 */
import { describe, expect, it } from "vitest";
import { ChatErrorDataSchema } from "../../../../shared/protocol/chat.ts";
import { api, expectError } from "../../helpers.ts";
import {
  ask,
  expectErrorFrame,
  openSocket,
  recordConversationActions,
  stageTask,
  startChat,
} from "../../chat/helpers.ts";

const INVALID_FRAMES: [string, unknown][] = [
  ["a binary frame", new TextEncoder().encode('{"message_type":"ping"}').buffer],
  ["text that is not JSON", "hello?"],
  ["JSON that is not an object", "42"],
  ["an unknown message_type", { message_type: "subscribe", data: {} }],
  ["a chat_message without content", { message_type: "chat_message", data: {} }],
  [
    "a chat_message with an unknown execution_mode",
    { message_type: "chat_message", data: { content: "hi", execution_mode: "turbo" } },
  ],
  ["a resume without a task id", { message_type: "resume", data: { last_chunk_index: 0 } }],
  [
    "a resume with a chunk index below -1",
    { message_type: "resume", data: { task_id: "t", last_chunk_index: -2 } },
  ],
  [
    "a resume with a fractional chunk index",
    { message_type: "resume", data: { task_id: "t", last_chunk_index: 1.5 } },
  ],
  ["a frame over 64 KB", { message_type: "chat_message", data: { content: "x".repeat(70_000) } }],
];

recordConversationActions();

describe("invalid chat frames", () => {
  it("answers each invalid frame with an INVALID_FRAME error, and the socket still answers a valid message", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    for (const [, frame] of INVALID_FRAMES) {
      const error = await socket.reply(frame, "error");
      expectErrorFrame(error, "INVALID_FRAME");
      expect(error.session_id).toBe(chat.session_id);
    }
    expect(socket.ofType("error")).toHaveLength(INVALID_FRAMES.length);
    expect(socket.ofType("chat_processing")).toEqual([]);

    const { response } = await ask(socket, "Are you still there?");
    expect(String(response.data["message"]).length).toBeGreaterThan(0);
    socket.close();
  });

  it("refuses an empty message with MESSAGE_EMPTY and stores nothing", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    expectErrorFrame(
      await socket.reply({ message_type: "chat_message", data: { content: "  \n\t " } }, "error"),
      "MESSAGE_EMPTY",
    );
    expectErrorFrame(
      await socket.reply({ type: "user_message", content: "" }, "error"),
      "MESSAGE_EMPTY",
    );
    const status = await (
      await api(`/api/v1/chat/${chat.session_id}/status`, { token: chat.session_token })
    ).json();
    expect(status).toMatchObject({ message_count: 0, active_task_id: null });
    socket.close();
  });

  it("refuses a message over CHAT_MAX_MESSAGE_CHARS with MESSAGE_TOO_LONG but accepts one at the limit", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const error = expectErrorFrame(
      await socket.reply(
        { message_type: "chat_message", data: { content: "a".repeat(4001) } },
        "error",
      ),
      "MESSAGE_TOO_LONG",
    );
    expect(String(error.data["message"])).toContain("4000");
    const rest = await api(`/api/v1/chat/${chat.session_id}/task`, {
      method: "POST",
      token: chat.session_token,
      json: { user_message: "b".repeat(4001) },
    });
    await expectError(rest, 413, "MESSAGE_TOO_LONG");

    const { response } = await ask(socket, "c".repeat(4000));
    expect(response.message_type).toBe("chat_response");
    socket.close();
  });

  it("refuses a message while a task is active with TASK_IN_PROGRESS, over the socket and REST", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const socket = await openSocket(chat);
    expectErrorFrame(
      await socket.reply(
        { message_type: "chat_message", data: { content: "And another thing" } },
        "error",
      ),
      "TASK_IN_PROGRESS",
    );
    const rest = await api(`/api/v1/chat/${chat.session_id}/task`, {
      method: "POST",
      token: chat.session_token,
      json: { user_message: "Hello?" },
    });
    await expectError(rest, 409, "TASK_IN_PROGRESS");
    const status = await (
      await api(`/api/v1/chat/${chat.session_id}/status`, { token: chat.session_token })
    ).json();
    expect(status).toMatchObject({ message_count: 1, active_task_id: taskId });
    socket.close();
  });

  it("fails an advanced-mode message with chat_error MODE_UNAVAILABLE, not retryable, and frees the session", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    socket.send({
      message_type: "chat_message",
      data: { content: "Plan my trip", execution_mode: "advanced" },
    });
    const processing = await socket.next("chat_processing");
    expect(processing.data).toMatchObject({ mode: "advanced", attempt: 1 });
    const error = await socket.next("chat_error");
    expect(error.task_id).toBe(processing.task_id);
    expect(ChatErrorDataSchema.parse(error.data)).toMatchObject({
      code: "MODE_UNAVAILABLE",
      retry_possible: false,
    });
    expect(socket.ofType("chat_streaming")).toEqual([]);

    const { response } = await ask(socket, "Then answer simply");
    expect(response.task_id).not.toBe(processing.task_id);
    socket.close();
  });
});
