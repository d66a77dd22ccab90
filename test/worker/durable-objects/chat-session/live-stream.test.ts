/**
 * An answer starts in the session the moment the message arrives and streams from memory, with
 * its chunks written in batches: a resume while it streams still gets each missed chunk once
 * and the answer byte for byte; the watchdog alarm firing while the answer streams does
 * nothing; and an instance lost mid-answer (its unwritten chunks with it) has the answer
 * restarted as a new attempt, whose chunks alone are stored. The provider is the OpenAI-compatible
 * one, answered by a fake whose stream the test releases piece by piece.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { ChatResponseDataSchema } from "../../../../shared/protocol/chat.ts";
import { HELD_MODEL, holdModel } from "../../chat/held-model.ts";
import type { HeldStream } from "../../chat/held-model.ts";
import {
  openSocket,
  recordConversationActions,
  sessionStub,
  sql,
  stageTask,
  startChat,
  storedChunks,
} from "../../chat/helpers.ts";
import type { ChatSocket } from "../../chat/helpers.ts";

recordConversationActions();

const held = holdModel();

async function chatWithHeldModel() {
  held.reset();
  const chat = await startChat({ execution_config: { model: HELD_MODEL } });
  return { chat, socket: await openSocket(chat) };
}

/** Sends a message and waits until the provider has been asked (the answer's stream is open). */
async function sendAndHold(
  socket: ChatSocket,
  content: string,
): Promise<{ taskId: string; stream: HeldStream }> {
  const from = socket.frames.length;
  const asked = held.streams.length;
  socket.send({ message_type: "chat_message", data: { content } });
  const processing = await socket.next("chat_processing", () => true, from);
  await vi.waitFor(() => expect(held.streams.length).toBeGreaterThan(asked));
  const stream = held.streams.at(-1);
  if (!stream) throw new Error("the provider was not asked");
  return { taskId: String(processing.task_id), stream };
}

describe("an answer streaming from the session's memory", () => {
  it("resumes a second socket mid-answer from memory: each chunk once, byte-identical, no second LLM call", async () => {
    const { chat, socket } = await chatWithHeldModel();
    const { taskId, stream } = await sendAndHold(socket, "Tell me everything");
    stream.words(["One ", "two ", "three "]);
    await socket.next("chat_streaming", (f) => f.task_id === taskId && f.data["chunk_index"] === 2);

    const late = await openSocket(chat);
    expect(late.frames[0]?.data["active_task"]).toEqual({
      task_id: taskId,
      attempt: 1,
      chunks_sent: 3,
    });
    const from = late.frames.length;
    late.send({
      message_type: "resume",
      data: { task_id: taskId, last_chunk_index: 0, attempt: 1 },
    });
    await late.next("chat_streaming", (f) => f.data["chunk_index"] === 2, from);

    stream.finish(["four ", "five."]);
    const response = await late.next("chat_response", (f) => f.task_id === taskId);
    await socket.next("chat_response", (f) => f.task_id === taskId);
    const message = ChatResponseDataSchema.parse(response.data).message;
    expect(message).toBe("One two three four five.");

    const resumed = late.chunks(taskId);
    expect(resumed.map((c) => c.index)).toEqual([1, 2, 3, 4, 5]);
    expect(resumed.at(-1)?.final).toBe(true);
    expect("One " + resumed.map((c) => c.content).join("")).toBe(message);
    const live = socket.chunks(taskId);
    expect(live.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(live.map((c) => c.content).join("")).toBe(message);
    expect(await storedChunks(chat.session_id, taskId)).toEqual([
      "One ",
      "two ",
      "three ",
      "four ",
      "five.",
    ]);
    expect(held.streams).toHaveLength(1);
    socket.close();
    late.close();
  });

  it("answers only the first of two messages sent back to back; the second gets TASK_IN_PROGRESS", async () => {
    const { chat, socket } = await chatWithHeldModel();
    const from = socket.frames.length;
    socket.send({ message_type: "chat_message", data: { content: "first" } });
    socket.send({ message_type: "chat_message", data: { content: "second" } });
    const refused = await socket.next("error", () => true, from);
    expect(refused.data).toMatchObject({ code: "TASK_IN_PROGRESS" });
    await vi.waitFor(() => expect(held.streams).toHaveLength(1));
    held.streams[0]?.finish(["only ", "the ", "first"]);
    const response = await socket.next("chat_response", () => true, from);
    expect(response.data["message"]).toBe("only the first");
    expect(socket.ofType("chat_processing").map((f) => f.task_id)).toEqual([response.task_id]);

    const again = await openSocket(chat);
    const ack = again.frames[0]?.data as { history: { content: string }[] };
    expect(ack.history.map((m) => m.content)).toEqual(["first", "only the first"]);
    expect(held.streams).toHaveLength(1);
    socket.close();
    again.close();
  });

  it("does nothing when the watchdog alarm fires while the answer streams or after it ended", async () => {
    const { chat, socket } = await chatWithHeldModel();
    const { taskId, stream } = await sendAndHold(socket, "Hello");
    stream.words(["Hi ", "there "]);
    await socket.next("chat_streaming", (f) => f.task_id === taskId && f.data["chunk_index"] === 1);

    const stub = sessionStub(chat.session_id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    stream.finish(["friend."]);
    await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    await socket.reply({ message_type: "ping" }, "pong");
    expect(held.streams).toHaveLength(1);
    expect(socket.ofType("chat_processing", taskId)).toHaveLength(1);
    expect(socket.ofType("chat_response", taskId)).toHaveLength(1);
    expect(socket.chunks(taskId).map((c) => c.index)).toEqual([0, 1, 2, 3]);
    socket.close();
  });

  // A run cannot be evicted in this runtime while its request is in flight (evictDurableObject
  // times out: "it still has active references"), so these start from what an instance that
  // died mid-answer leaves in storage: the task running as attempt 1 and only the chunks of the
  // batches written before it died, while the client had received more.
  it("restarts an answer whose instance died mid-stream as attempt 2 by the alarm, once however often it fires; only attempt 2's chunks are stored", async () => {
    held.reset();
    const chat = await startChat({ execution_config: { model: HELD_MODEL } });
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      chunks: ["Once "],
      content: "Tell me a story",
    });
    const back = await openSocket(chat);
    expect(back.frames[0]?.data["active_task"]).toEqual({
      task_id: taskId,
      attempt: 1,
      chunks_sent: 1,
    });

    const stub = sessionStub(chat.session_id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await vi.waitFor(() => expect(held.streams).toHaveLength(1));
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    // The client held two chunks of attempt 1 ("Once ", "upon "): it is told to start over at attempt 2's first chunk.
    const from = back.frames.length;
    back.send({
      message_type: "resume",
      data: { task_id: taskId, last_chunk_index: 1, attempt: 1 },
    });
    expect((await back.next("chat_processing", (f) => f.data["attempt"] === 2, from)).data).toEqual(
      { task_id: taskId, mode: "simple", attempt: 2 },
    );
    held.streams[0]?.finish(["A ", "whole ", "story."]);
    const response = await back.next("chat_response", (f) => f.task_id === taskId, from);
    expect(ChatResponseDataSchema.parse(response.data).message).toBe("A whole story.");
    const second = back.chunks(taskId);
    expect(second.every((c) => c.attempt === 2)).toBe(true);
    expect(second.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(second.map((c) => c.content).join("")).toBe("A whole story.");
    expect(await storedChunks(chat.session_id, taskId)).toEqual(["A ", "whole ", "story."]);
    const [done] = await sql<{ status: string; attempt: number }>(
      chat.session_id,
      "select status, attempt from tasks where id = ?",
      taskId,
    );
    expect(done).toEqual({ status: "completed", attempt: 2 });
    expect(held.streams).toHaveLength(1);
    back.close();
  });
});
