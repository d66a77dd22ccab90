/**
 * `chat/init {initial_message}` starts the first turn at once. The first socket to connect,
 * whenever it connects, sees the session as it was before that message (empty transcript, no
 * active task) and then the turn's frames as if it had sent the message itself: chat_processing,
 * every chunk once, chat_response. Later sockets get the transcript as usual, and the task id
 * from init resumes like any other. The model is held, so each state is reached without timing.
 */
import { describe, expect, it, vi } from "vitest";
import { ChatInitResponseSchema } from "../../../shared/api/chat.ts";
import { ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import { HELD_MODEL, holdModel } from "./held-model.ts";
import {
  initRequest,
  openSocket,
  publicAgent,
  recordConversationActions,
  sessionStub,
  storedChunks,
} from "./helpers.ts";
import type { ChatSocket } from "./helpers.ts";

recordConversationActions();
const held = holdModel();

async function initWithMessage(initialMessage: string) {
  held.reset();
  const { agent } = await publicAgent({ execution_config: { model: HELD_MODEL } });
  const res = await initRequest({ agent_id: agent.id, initial_message: initialMessage });
  expect(res.status).toBe(201);
  const body = ChatInitResponseSchema.parse(await res.json());
  if (!body.task_id) throw new Error("init answered no task_id");
  return { chat: { ...body, agent }, taskId: body.task_id };
}

/** The ack of a session before its initial message: nothing said, nothing running. */
function expectBlankAck(socket: ChatSocket) {
  expect(socket.frames[0]).toMatchObject({
    message_type: "connection_ack",
    data: { history: [], active_task: null },
  });
}

const types = (socket: ChatSocket) => socket.frames.map((f) => f.message_type);

describe("chat/init with an initial_message", () => {
  it("streams the turn to a socket that connects before the first word: connection_ack, chat_processing, chunks, chat_response", async () => {
    const { chat, taskId } = await initWithMessage("What are your opening hours?");
    const stream = await held.asked(1);
    const socket = await openSocket(chat);
    expectBlankAck(socket);
    expect((await socket.next("chat_processing")).data).toEqual({
      task_id: taskId,
      mode: "simple",
      attempt: 1,
    });

    stream.finish(["We open ", "at nine."]);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(ChatResponseDataSchema.parse(response.data).message).toBe("We open at nine.");
    expect(types(socket)).toEqual([
      "connection_ack",
      "chat_processing",
      "chat_streaming",
      "chat_streaming",
      "chat_streaming",
      "chat_response",
    ]);
    expect(socket.chunks(taskId).map((c) => [c.index, c.content, c.final])).toEqual([
      [0, "We open ", false],
      [1, "at nine.", false],
      [2, "", true],
    ]);
    expect(await sessionStub(chat.session_id).status()).toMatchObject({
      message_count: 2,
      active_task_id: null,
    });
    socket.close();
  });

  it("gives a socket that connects mid-answer the chunks already streamed, then the rest, each once", async () => {
    const { chat, taskId } = await initWithMessage("Tell me everything");
    const stream = await held.asked(1);
    stream.words(["One ", "two "]);
    // Written in the session's next batch: the answer is under way with two chunks out.
    await vi.waitFor(
      async () => expect(await storedChunks(chat.session_id, taskId)).toHaveLength(2),
      { timeout: 10_000 },
    );

    const socket = await openSocket(chat);
    expectBlankAck(socket);
    await socket.next("chat_streaming", (f) => f.data["chunk_index"] === 1);
    stream.finish(["three."]);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    const message = ChatResponseDataSchema.parse(response.data).message;
    expect(message).toBe("One two three.");
    expect(types(socket).slice(0, 2)).toEqual(["connection_ack", "chat_processing"]);
    const chunks = socket.chunks(taskId);
    expect(chunks.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(chunks.map((c) => c.content).join("")).toBe(message);
    expect(held.streams).toHaveLength(1);
    socket.close();
  });

  it("replays a finished turn from storage to the first socket; a later socket gets the transcript and can resume the task id", async () => {
    const { chat, taskId } = await initWithMessage("Are you open on Sunday?");
    (await held.asked(1)).finish(["Closed ", "on Sundays."]);
    await vi.waitFor(async () =>
      expect((await sessionStub(chat.session_id).status())?.active_task_id).toBeNull(),
    );

    const first = await openSocket(chat);
    expectBlankAck(first);
    const response = await first.next("chat_response", (f) => f.task_id === taskId);
    expect(response.data["message"]).toBe("Closed on Sundays.");
    expect(types(first)).toEqual([
      "connection_ack",
      "chat_processing",
      "chat_streaming",
      "chat_streaming",
      "chat_streaming",
      "chat_response",
    ]);
    expect(first.chunks(taskId).map((c) => c.index)).toEqual([0, 1, 2]);

    const second = await openSocket(chat);
    const history = (second.frames[0]?.data["history"] ?? []) as {
      role: string;
      content: string;
    }[];
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ["user", "Are you open on Sunday?"],
      ["assistant", "Closed on Sundays."],
    ]);
    const from = second.frames.length;
    second.send({ message_type: "resume", data: { task_id: taskId, last_chunk_index: -1 } });
    const resumed = await second.next("chat_response", () => true, from);
    expect(resumed.data["message"]).toBe("Closed on Sundays.");
    expect(types(second).slice(1)).toEqual([
      "chat_streaming",
      "chat_streaming",
      "chat_streaming",
      "chat_response",
    ]);
    expect(held.streams).toHaveLength(1);
    first.close();
    second.close();
  });
});
