/**
 * An answer starts in the session the moment the message arrives and streams from memory, with
 * its chunks written in batches: a resume while it streams still gets each missed chunk once
 * and the answer byte for byte; the queued execution action for a task already running does
 * nothing; and an instance lost mid-answer (its unwritten chunks with it) has the answer
 * restarted as a new attempt, whose chunks alone are stored. The provider is the OpenAI-compatible
 * one, answered by a fake whose stream the test releases piece by piece.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { openaiEvents } from "../llm/fixtures.ts";
import { executionAction, openSocket, recordConversationActions, sessionStub, sql, stageTask, startChat } from "./helpers.ts";
import type { ChatSocket } from "./helpers.ts";

recordConversationActions();

const MODEL = "fake-model";
const LLM_URL = "http://llm-live.test/v1";
const settings = { OPENAI_API_KEY: "sk-test-live-stream", OPENAI_BASE_URL: LLM_URL, OPENAI_MODELS: MODEL };
const workerEnv: WorkerEnv = env;
const saved = { OPENAI_API_KEY: workerEnv.OPENAI_API_KEY, OPENAI_BASE_URL: workerEnv.OPENAI_BASE_URL, OPENAI_MODELS: workerEnv.OPENAI_MODELS };

/**
 * A provider stream the test feeds: `words` sends deltas, `finish` ends the answer, `cut` breaks
 * it. The test only queues text; the body polls for it in the object's own context (an I/O
 * object fed from the test's context would be I/O on behalf of another request).
 */
class HeldStream {
  private readonly pending: string[] = [];
  private end: "open" | "done" | "cut" = "open";
  private started = false;

  response(): Response {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (this.pending.length === 0 && this.end === "open") await new Promise((r) => setTimeout(r, 2));
        const next = this.pending.shift();
        if (next !== undefined) controller.enqueue(encoder.encode(next));
        else if (this.end === "cut") controller.error(new TypeError("Network connection lost."));
        else controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
  }

  private send(events: unknown[]): void {
    const fresh = this.started ? events.slice(1) : events; // the role-only first event once
    this.started = true;
    for (const e of fresh) this.pending.push(`data: ${JSON.stringify(e)}\n\n`);
  }

  words(words: string[]): void {
    this.send(openaiEvents(words, { finish: false }));
  }

  finish(words: string[]): void {
    this.send(openaiEvents(words));
    this.pending.push("data: [DONE]\n\n");
    this.end = "done";
  }

  cut(): void {
    if (this.end === "open") this.end = "cut";
  }
}

let streams: HeldStream[] = [];

beforeAll(() => {
  // The session's Durable Object runs in this isolate and reads this env object and fetch.
  Object.assign(env, settings);
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    if (!new Request(input, init).url.startsWith(LLM_URL)) return realFetch(input, init);
    const stream = new HeldStream();
    streams.push(stream);
    return stream.response();
  });
});
afterAll(() => {
  for (const s of streams) s.cut();
  Object.assign(env, saved);
});

async function chatWithHeldModel() {
  streams = [];
  const chat = await startChat({ execution_config: { model: MODEL } });
  return { chat, socket: await openSocket(chat) };
}

/** Sends a message and waits until the provider has been asked (the answer's stream is open). */
async function sendAndHold(socket: ChatSocket, content: string): Promise<{ taskId: string; stream: HeldStream }> {
  const from = socket.frames.length;
  const asked = streams.length;
  socket.send({ message_type: "chat_message", data: { content } });
  const processing = await socket.next("chat_processing", () => true, from);
  await vi.waitFor(() => expect(streams.length).toBeGreaterThan(asked));
  const stream = streams.at(-1);
  if (!stream) throw new Error("the provider was not asked");
  return { taskId: String(processing.task_id), stream };
}

const storedChunks = async (sessionId: string, taskId: string) =>
  (await sql<{ idx: number; content: string }>(sessionId, "select idx, content from chunks where task_id = ? order by idx", taskId)).map((c) => c.content);

describe("an answer streaming from the session's memory", () => {
  it("resumes a second socket mid-answer from memory: each chunk once, byte-identical, no second LLM call", async () => {
    const { chat, socket } = await chatWithHeldModel();
    const { taskId, stream } = await sendAndHold(socket, "Tell me everything");
    stream.words(["One ", "two ", "three "]);
    await socket.next("chat_streaming", (f) => f.task_id === taskId && f.data["chunk_index"] === 2);

    const late = await openSocket(chat);
    expect(late.frames[0]?.data["active_task"]).toEqual({ task_id: taskId, attempt: 1, chunks_sent: 3 });
    const from = late.frames.length;
    late.send({ message_type: "resume", data: { task_id: taskId, last_chunk_index: 0, attempt: 1 } });
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
    expect(await storedChunks(chat.session_id, taskId)).toEqual(["One ", "two ", "three ", "four ", "five."]);
    expect(streams).toHaveLength(1);
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
    await vi.waitFor(() => expect(streams).toHaveLength(1));
    streams[0]?.finish(["only ", "the ", "first"]);
    const response = await socket.next("chat_response", () => true, from);
    expect(response.data["message"]).toBe("only the first");
    expect(socket.ofType("chat_processing").map((f) => f.task_id)).toEqual([response.task_id]);

    const again = await openSocket(chat);
    const ack = again.frames[0]?.data as { history: { content: string }[] };
    expect(ack.history.map((m) => m.content)).toEqual(["first", "only the first"]);
    expect(streams).toHaveLength(1);
    socket.close();
    again.close();
  });

  it("does nothing when the queued execution action for a running task is delivered", async () => {
    const { chat, socket } = await chatWithHeldModel();
    const { taskId, stream } = await sendAndHold(socket, "Hello");
    stream.words(["Hi ", "there "]);
    await socket.next("chat_streaming", (f) => f.task_id === taskId && f.data["chunk_index"] === 1);

    const stub = sessionStub(chat.session_id);
    expect(await stub.acceptTask(executionAction(chat, taskId))).toBe("duplicate");
    expect(await stub.acceptTask(executionAction(chat, taskId))).toBe("duplicate");
    stream.finish(["friend."]);
    await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(await stub.acceptTask(executionAction(chat, taskId))).toBe("finished");

    await socket.reply({ message_type: "ping" }, "pong");
    expect(streams).toHaveLength(1);
    expect(socket.ofType("chat_processing", taskId)).toHaveLength(1);
    expect(socket.ofType("chat_response", taskId)).toHaveLength(1);
    expect(socket.chunks(taskId).map((c) => c.index)).toEqual([0, 1, 2, 3]);
    socket.close();
  });

  // A run cannot be evicted in this runtime while its request is in flight (evictDurableObject
  // times out: "it still has active references"), so these start from what an instance that
  // died mid-answer leaves in storage: the task running as attempt 1 and only the chunks of the
  // batches written before it died, while the client had received more.
  for (const restartBy of ["the alarm", "a redelivered execution action"] as const) {
    it(`restarts an answer whose instance died mid-stream as attempt 2 by ${restartBy}; only attempt 2's chunks are stored`, async () => {
      streams = [];
      const chat = await startChat({ execution_config: { model: MODEL } });
      const taskId = await stageTask(chat.session_id, { status: "running", attempt: 1, chunks: ["Once "], content: "Tell me a story" });
      const back = await openSocket(chat);
      expect(back.frames[0]?.data["active_task"]).toEqual({ task_id: taskId, attempt: 1, chunks_sent: 1 });

      const stub = sessionStub(chat.session_id);
      if (restartBy === "the alarm") expect(await runDurableObjectAlarm(stub)).toBe(true);
      else expect(await stub.acceptTask(executionAction(chat, taskId))).toBe("restarted");
      await vi.waitFor(() => expect(streams).toHaveLength(1));
      expect(await stub.acceptTask(executionAction(chat, taskId))).toBe("duplicate");

      // The client held two chunks of attempt 1 ("Once ", "upon "): it is told to start over at attempt 2's first chunk.
      const from = back.frames.length;
      back.send({ message_type: "resume", data: { task_id: taskId, last_chunk_index: 1, attempt: 1 } });
      expect((await back.next("chat_processing", (f) => f.data["attempt"] === 2, from)).data).toEqual({ task_id: taskId, mode: "simple", attempt: 2 });
      streams[0]?.finish(["A ", "whole ", "story."]);
      const response = await back.next("chat_response", (f) => f.task_id === taskId, from);
      expect(ChatResponseDataSchema.parse(response.data).message).toBe("A whole story.");
      const second = back.chunks(taskId);
      expect(second.every((c) => c.attempt === 2)).toBe(true);
      expect(second.map((c) => c.index)).toEqual([0, 1, 2, 3]);
      expect(second.map((c) => c.content).join("")).toBe("A whole story.");
      expect(await storedChunks(chat.session_id, taskId)).toEqual(["A ", "whole ", "story."]);
      const [done] = await sql<{ status: string; attempt: number }>(chat.session_id, "select status, attempt from tasks where id = ?", taskId);
      expect(done).toEqual({ status: "completed", attempt: 2 });
      expect(streams).toHaveLength(1);
      back.close();
    });
  }
});
