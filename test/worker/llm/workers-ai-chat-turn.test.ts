/**
 * A visitor's chat turn answered by Workers AI, through the whole session: the agent's model
 * is a Workers AI model, the session's Durable Object reads the `AI` binding from the env (a
 * fake answering with the binding's recorded stream shapes), and a capacity error is retried
 * as a new attempt like any provider's.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { ask, openSocket, recordConversationActions, startChat } from "../chat/helpers.ts";
import { LLAMA, USAGE, fakeAi, nativeEvents, sseStream } from "./workers-ai-fixtures.ts";

recordConversationActions();

const workerEnv: WorkerEnv = env;
const saved = {
  AI: workerEnv.AI,
  GROQ_API_KEY: workerEnv.GROQ_API_KEY,
  OPENAI_API_KEY: workerEnv.OPENAI_API_KEY,
};
let answer: (call: number) => unknown = () => null;
const binding = fakeAi((call) => answer(call));

beforeAll(() => {
  // The session's Durable Object runs in this isolate and reads this env object.
  Object.assign(env, { AI: binding.ai, GROQ_API_KEY: undefined, OPENAI_API_KEY: undefined });
});
afterAll(() => {
  Object.assign(env, saved);
});

describe("a chat turn answered by Workers AI", () => {
  it("streams the model's answer to the visitor and records the model and usage", async () => {
    answer = () => sseStream(nativeEvents(["Our ", "shop ", "opens ", "at 9."]));
    const from = binding.calls.length;
    const chat = await startChat({ execution_config: { model: LLAMA } });
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "When do you open?");
    expect(ChatResponseDataSchema.parse(response.data)).toMatchObject({
      message: "Our shop opens at 9.",
      model: LLAMA,
      usage: USAGE,
    });
    expect(
      socket
        .chunks(taskId)
        .map((c) => c.content)
        .join(""),
    ).toBe("Our shop opens at 9.");
    const sent = binding.calls.slice(from);
    expect(sent.map((c) => c.model)).toEqual([LLAMA]);
    expect(JSON.stringify(sent[0]?.inputs.messages)).toContain("When do you open?");
    socket.close();
  });

  it("retries an out-of-capacity error as attempt 2", async () => {
    answer = (call) =>
      call % 2 === 1
        ? Promise.reject(new Error("3040: Capacity temporarily exceeded, please try again."))
        : sseStream(nativeEvents(["Second ", "time."]));
    binding.calls.length = 0;
    const chat = await startChat({ execution_config: { model: LLAMA } });
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "Hello?");
    expect(ChatResponseDataSchema.parse(response.data).message).toBe("Second time.");
    expect(socket.ofType("chat_processing", taskId).map((f) => f.data["attempt"])).toEqual([1, 2]);
    expect(binding.calls).toHaveLength(2);
    socket.close();
  });
});
