/**
 * Resuming a task's stream from the chunks stored in the session: a client that saw chunks
 * 0..k gets k+1.. exactly once, then the final frame (unless it had it) and the response, and the pieces join
 * into the answer byte for byte. No new LLM call is made (the task stays completed).
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ChatResponseDataSchema } from "../../../../shared/protocol/chat.ts";
import {
  ask,
  expectErrorFrame,
  openSocket,
  recordConversationActions,
  sessionStub,
  sql,
  stageTask,
  startChat,
  storedChunks,
} from "../../chat/helpers.ts";
import type { ChatSocket } from "../../chat/helpers.ts";

/** Sends a resume and collects what it brings, up to the response (or the first error). */
async function resume(socket: ChatSocket, data: Record<string, unknown>) {
  const from = socket.frames.length;
  socket.send({ message_type: "resume", data });
  const end = await socket.next(["chat_response", "error", "chat_error"], () => true, from);
  return { end, frames: socket.frames.slice(from) };
}

recordConversationActions();

describe("resuming a streamed answer", () => {
  it("sends exactly the chunks after last_chunk_index, for every point of the answer, and the answer is byte-identical", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "Tell me about your services and prices");
    const message = ChatResponseDataSchema.parse(response.data).message;
    const live = socket.chunks(taskId);
    const finalIndex = live.length - 1;
    expect(live[finalIndex]?.final).toBe(true);
    expect(finalIndex).toBeGreaterThan(3);

    for (let k = -1; k < finalIndex; k++) {
      const { end, frames } = await resume(socket, { task_id: taskId, last_chunk_index: k });
      expect(end.message_type).toBe("chat_response");
      expect(ChatResponseDataSchema.parse(end.data).message).toBe(message);
      const streamed = frames.filter((f) => f.message_type === "chat_streaming");
      const indices = streamed.map((f) => Number(f.data["chunk_index"]));
      expect(indices, `resume after ${k}`).toEqual(
        Array.from({ length: finalIndex - k }, (_, i) => k + 1 + i),
      );
      expect(streamed.map((f) => f.data["is_final"])).toEqual([
        ...streamed.slice(1).map(() => false),
        true,
      ]);
      const seen = live
        .slice(0, k + 1)
        .map((c) => c.content)
        .join("");
      expect(seen + streamed.map((f) => String(f.data["content"])).join("")).toBe(message);
      expect(frames.some((f) => f.message_type === "chat_processing")).toBe(false);
    }
    expect(await sessionStub(chat.session_id).status()).toMatchObject({
      message_count: 2,
      active_task_id: null,
    });
    socket.close();
  });

  it("sends no chunk again to a client that already has the final one, only the response", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "Hello");
    const finalIndex = socket.chunks(taskId).length - 1;
    for (const k of [finalIndex, finalIndex + 5]) {
      const { end, frames } = await resume(socket, { task_id: taskId, last_chunk_index: k });
      expect(end).toMatchObject({
        message_type: "chat_response",
        data: { message_id: response.data["message_id"] },
      });
      expect(
        frames.filter((f) => f.message_type === "chat_streaming"),
        `resume after ${k}`,
      ).toEqual([]);
    }
    socket.close();
  });

  it("sends the final frame once, at the index it streamed with, to a client that has every chunk but it", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId } = await ask(socket, "Hello");
    const finalIndex = socket.chunks(taskId).length - 1;
    const { frames } = await resume(socket, { task_id: taskId, last_chunk_index: finalIndex - 1 });
    const streamed = frames.filter((f) => f.message_type === "chat_streaming").map((f) => f.data);
    expect(streamed).toEqual([
      { content: "", chunk_index: finalIndex, is_final: true, attempt: 1 },
    ]);
    socket.close();
  });

  it("resumes on a new socket after the old one is gone", async () => {
    const chat = await startChat();
    const first = await openSocket(chat);
    const { taskId, response } = await ask(first, "What is your address?");
    const seen = first.chunks(taskId).slice(0, 2);
    first.close();

    const second = await openSocket(chat);
    const { frames } = await resume(second, { task_id: taskId, last_chunk_index: 1, attempt: 1 });
    const rest = frames
      .filter((f) => f.message_type === "chat_streaming")
      .map((f) => String(f.data["content"]));
    expect([...seen.map((c) => c.content), ...rest].join("")).toBe(response.data["message"]);
    second.close();
  });

  it("restarts from chunk 0 with chat_processing of the current attempt when the client holds an older attempt", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      chunks: ["Stale ", "words "],
    });
    const socket = await openSocket(chat);
    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);

    const { frames } = await resume(socket, { task_id: taskId, last_chunk_index: 1, attempt: 1 });
    expect(frames[0]).toMatchObject({
      message_type: "chat_processing",
      task_id: taskId,
      data: { task_id: taskId, mode: "simple", attempt: 2 },
    });
    const streamed = frames.filter((f) => f.message_type === "chat_streaming");
    expect(streamed.map((f) => Number(f.data["chunk_index"]))).toEqual(streamed.map((_, i) => i));
    expect(streamed.every((f) => f.data["attempt"] === 2)).toBe(true);
    expect(streamed.map((f) => String(f.data["content"])).join("")).toBe(response.data["message"]);
    socket.close();
  });

  it("sends the stored chunks of a task still running, with no final frame", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      chunks: ["One ", "two ", "three "],
    });
    const socket = await openSocket(chat);
    expect(socket.frames[0]?.data["active_task"]).toEqual({
      task_id: taskId,
      attempt: 1,
      chunks_sent: 3,
    });
    const from = socket.frames.length;
    socket.send({
      message_type: "resume",
      data: { task_id: taskId, last_chunk_index: 0, attempt: 1 },
    });
    await socket.next("chat_streaming", (f) => f.data["chunk_index"] === 2, from);
    await socket.reply({ message_type: "ping" }, "pong");
    expect(socket.chunks(taskId)).toEqual([
      { index: 1, content: "two ", final: false, attempt: 1 },
      { index: 2, content: "three ", final: false, attempt: 1 },
    ]);
    socket.close();
  });

  // A session stores each written batch of chunks as one row; sessions from before stored a row
  // per chunk, and still resume. Either way a resume from inside a batch sends exactly the rest.
  it.each([
    { stored: "batches of 2 chunks, one row each", layout: { batch: 2 } },
    { stored: "a row per chunk (sessions from before chunk batches)", layout: { chunkRows: true } },
  ])(
    "resumes from every index of a task's stored chunks in $stored: each later chunk once",
    async ({ layout }) => {
      const chat = await startChat();
      const words = ["One ", "two ", "three ", "four ", "five "];
      const taskId = await stageTask(chat.session_id, {
        status: "running",
        attempt: 1,
        chunks: words,
        ...layout,
      });
      const socket = await openSocket(chat);
      expect(socket.frames[0]?.data["active_task"]).toEqual({
        task_id: taskId,
        attempt: 1,
        chunks_sent: words.length,
      });
      // Up to the second-last index, so that each resume ends with the last chunk; a chunk sent
      // twice by one resume would still show up in the next one's frames.
      for (let k = -1; k < words.length - 1; k++) {
        const from = socket.frames.length;
        socket.send({
          message_type: "resume",
          data: { task_id: taskId, last_chunk_index: k, attempt: 1 },
        });
        const last = words.length - 1;
        await socket.next("chat_streaming", (f) => f.data["chunk_index"] === last, from);
        await socket.reply({ message_type: "ping" }, "pong");
        const streamed = socket.frames
          .slice(from)
          .filter((f) => f.message_type === "chat_streaming")
          .map((f) => [f.data["chunk_index"], f.data["content"]]);
        expect(streamed, `resume after ${k}`).toEqual(
          words.slice(k + 1).map((w, i) => [k + 1 + i, w]),
        );
      }
      socket.close();
    },
  );

  it("replaces an old attempt's chunks stored a row per chunk (a session from before chunk batches) when the task restarts", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      chunks: ["Stale ", "words ", "here "],
      chunkRows: true,
    });
    const socket = await openSocket(chat);
    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    const message = ChatResponseDataSchema.parse(response.data).message;
    expect(await sql(chat.session_id, "select idx from chunks where task_id = ?", taskId)).toEqual(
      [],
    );
    expect((await storedChunks(chat.session_id, taskId)).join("")).toBe(message);

    const { frames } = await resume(socket, { task_id: taskId, last_chunk_index: -1, attempt: 2 });
    const streamed = frames.filter((f) => f.message_type === "chat_streaming");
    expect(streamed.map((f) => Number(f.data["chunk_index"]))).toEqual(streamed.map((_, i) => i));
    expect(streamed.at(-1)?.data["is_final"]).toBe(true);
    expect(streamed.map((f) => String(f.data["content"])).join("")).toBe(message);
    socket.close();
  });

  it("answers a resume for an unknown task with an error frame and one for a failed task with its chat_error", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { end } = await resume(socket, { task_id: crypto.randomUUID(), last_chunk_index: -1 });
    expectErrorFrame(end, "NOT_FOUND");

    socket.send({
      message_type: "chat_message",
      data: { content: "Think hard", execution_mode: "advanced" },
    });
    const failed = await socket.next("chat_error");
    const again = await resume(socket, { task_id: String(failed.task_id), last_chunk_index: -1 });
    expect(again.end).toMatchObject({
      message_type: "chat_error",
      task_id: failed.task_id,
      data: failed.data,
    });
    socket.close();
  });
});
