/**
 * What a visitor sees when the language model fails, through the whole session: a transient
 * failure restarts the answer as a new attempt (the old attempt's chunks are dropped and the
 * sockets told), a refusal fails at once with a chat_error that is not retryable, and retries
 * that run out end in a retryable chat_error. The provider is the OpenAI-compatible one,
 * answered by a fake at OPENAI_BASE_URL with the wire shapes of test/worker/llm/fixtures.ts.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ChatErrorDataSchema, ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { errorResponse, fakeFetch, openaiEvents, sseResponse } from "../llm/fixtures.ts";
import { openSocket, recordConversationActions, sql, startChat, storedChunks } from "./helpers.ts";
import type { ChatSocket } from "./helpers.ts";

recordConversationActions();

const MODEL = "fake-model";
const LLM_URL = "http://llm.test/v1";
const settings = {
  OPENAI_API_KEY: "sk-test-provider-failures",
  OPENAI_BASE_URL: LLM_URL,
  OPENAI_MODELS: MODEL,
};
const workerEnv: WorkerEnv = env;
const saved = {
  OPENAI_API_KEY: workerEnv.OPENAI_API_KEY,
  OPENAI_BASE_URL: workerEnv.OPENAI_BASE_URL,
  OPENAI_MODELS: workerEnv.OPENAI_MODELS,
};

let respond: (call: number) => Response = () => errorResponse(500, "no answer set");
let wire = fakeFetch((call) => respond(call));

beforeAll(() => {
  // The session's Durable Object runs in this isolate and reads this env object.
  Object.assign(env, settings);
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) =>
    new Request(input, init).url.startsWith(LLM_URL)
      ? wire.fetch(input, init)
      : realFetch(input, init),
  );
});
afterAll(() => {
  Object.assign(env, saved);
});

/** A session whose agent uses the fake model, with a socket, and the provider answering `answers` in turn. */
async function chatWith(answers: (call: number) => Response) {
  wire = fakeFetch((call) => respond(call));
  respond = answers;
  const chat = await startChat({ execution_config: { model: MODEL } });
  return { chat, socket: await openSocket(chat) };
}

async function send(socket: ChatSocket, content: string) {
  const from = socket.frames.length;
  socket.send({ message_type: "chat_message", data: { content } });
  const end = await socket.next(["chat_response", "chat_error"], () => true, from);
  return { end, taskId: String(end.task_id) };
}

describe("provider failures in a chat session", () => {
  it("restarts a stream cut mid-way as attempt 2: sockets are told, attempt 1's chunks are dropped", async () => {
    const { chat, socket } = await chatWith((call) =>
      call === 1
        ? sseResponse(openaiEvents(["Half ", "an "], { finish: false }), "error")
        : sseResponse(openaiEvents(["The ", "whole ", "answer."])),
    );
    const { end, taskId } = await send(socket, "Tell me");
    expect(end.message_type).toBe("chat_response");
    expect(ChatResponseDataSchema.parse(end.data)).toMatchObject({
      message: "The whole answer.",
      model: MODEL,
      usage: { prompt_tokens: 42, completion_tokens: 3 },
    });
    expect(socket.ofType("chat_processing", taskId).map((f) => f.data["attempt"])).toEqual([1, 2]);
    const chunks = socket.chunks(taskId);
    expect(chunks.filter((c) => c.attempt === 1).map((c) => c.content)).toEqual(["Half ", "an "]);
    const second = chunks.filter((c) => c.attempt === 2);
    expect(second.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    expect(second.map((c) => c.content).join("")).toBe("The whole answer.");
    expect(await storedChunks(chat.session_id, taskId)).toEqual(["The ", "whole ", "answer."]);
    expect(wire.sent).toHaveLength(2);
    socket.close();
  });

  it("fails at once with chat_error LLM_AUTH_FAILED, not retryable, when the provider answers 401", async () => {
    const { socket } = await chatWith(() => errorResponse(401, "Incorrect API key provided"));
    const { end } = await send(socket, "Hello");
    expect(end.message_type).toBe("chat_error");
    expect(ChatErrorDataSchema.parse(end.data)).toMatchObject({
      code: "LLM_AUTH_FAILED",
      retry_possible: false,
    });
    expect(JSON.stringify(end.data)).not.toContain(settings.OPENAI_API_KEY);
    expect(wire.sent).toHaveLength(1);
    socket.close();
  });

  it("retries a 429 as long as it is asked, then ends in a retryable chat_error LLM_RATE_LIMITED", async () => {
    const { chat, socket } = await chatWith(() =>
      errorResponse(429, "Rate limit reached", { "retry-after": "0" }),
    );
    const { end, taskId } = await send(socket, "Hello");
    expect(ChatErrorDataSchema.parse(end.data)).toMatchObject({
      code: "LLM_RATE_LIMITED",
      retry_possible: true,
    });
    expect(wire.sent).toHaveLength(3);
    expect(socket.ofType("chat_processing", taskId).map((f) => f.data["attempt"])).toEqual([
      1, 2, 3,
    ]);
    const [task] = await sql<{ status: string }>(
      chat.session_id,
      "select status from tasks where id = ?",
      taskId,
    );
    expect(task?.status).toBe("failed");

    respond = () => sseResponse(openaiEvents(["Back."]));
    const again = await send(socket, "Try again");
    expect(again.end.data["message"]).toBe("Back.");
    socket.close();
  });
});
