import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import type { FakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import { startWorker } from "./harness.ts";
import { TestSocket } from "./ws-client.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
let llm: FakeOpenAI;
beforeAll(async () => {
  llm = await startFakeOpenAI({ interTokenDelayMs: 25 });
  worker = await startWorker({
    OPENAI_API_KEY: "sk-test",
    OPENAI_BASE_URL: llm.url,
    OPENAI_MODELS: "fake-model",
  });
});
afterAll(async () => {
  await worker?.server.close();
  await llm?.close();
});

const post = async (path: string, json: unknown, token?: string) => {
  const res = await fetch(`${worker.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(json),
  });
  return (await res.json()) as Record<string, string>;
};

describe("resuming a streamed answer after the connection drops", () => {
  it("delivers the rest of the answer exactly once, without a second LLM call", async () => {
    const { access_token } = await post("/api/v1/dev/sign-in", {
      email: `resume-${crypto.randomUUID().slice(0, 8)}@example.com`,
    });
    const agent = await post(
      "/api/v1/agents",
      { name: "Streamer", is_public: true, execution_config: { model: "fake-model" } },
      access_token,
    );
    const init = await post("/api/v1/chat/init", { agent_id: agent.id });
    const wsUrl = `${init.websocket_url}?token=${init.session_token}`;
    const requestsBefore = llm.requests.length;

    const first = await TestSocket.open(wsUrl);
    await first.next((f) => f.message_type === "connection_ack");
    first.send({ type: "user_message", content: "Tell me everything." });
    await first.next((f) => f.message_type === "chat_streaming" && Number(f.data.chunk_index) >= 9);
    first.close();
    const received = first.ofType("chat_streaming");
    const last = Number(received.at(-1)?.data.chunk_index);
    const taskId = String(received[0]?.task_id);

    const second = await TestSocket.open(wsUrl);
    const ack = await second.next((f) => f.message_type === "connection_ack");
    expect(ack.data.active_task).toMatchObject({ task_id: taskId });
    second.send({ message_type: "resume", data: { task_id: taskId, last_chunk_index: last } });
    const response = await second.next((f) => f.message_type === "chat_response", 20_000);
    second.close();

    const rest = second.ofType("chat_streaming").filter((f) => !f.data.is_final);
    const indices = [...received, ...rest].map((f) => Number(f.data.chunk_index));
    expect(indices).toEqual(indices.map((_, i) => i));
    const text = [...received, ...rest].map((f) => String(f.data.content)).join("");
    expect(text).toBe(response.data.message);
    expect(text).toBe(Array.from({ length: 60 }, (_, i) => `token${i} `).join(""));
    expect(llm.requests.length - requestsBefore).toBe(1);
    expect(llm.requests.at(-1)).toMatchObject({ model: "fake-model", stream: true });
  });
});
