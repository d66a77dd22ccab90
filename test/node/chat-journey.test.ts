import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonClient, startWorker } from "./harness.ts";
import { TestSocket } from "./ws-client.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.server.close();
});

const call = jsonClient(() => worker.url);

async function publicAgent() {
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `chat-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  const token: string = signIn.body.access_token;
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token,
    json: { name: "Guide", template_id: "receptionist", is_public: true },
  });
  return { token, agentId: agent.body.id as string };
}

describe("a visitor's chat over a real WebSocket", () => {
  it("streams an answer, persists the turn, and shows it in the owner's CRM", async () => {
    const { token, agentId } = await publicAgent();
    const init = await call("/api/v1/chat/init", { method: "POST", json: { agent_id: agentId } });
    expect(init.status).toBe(201);
    const socket = await TestSocket.open(
      `${init.body.websocket_url.replace(/^http/, "ws")}?token=${init.body.session_token}`,
    );
    await socket.next((f) => f.message_type === "connection_ack");
    socket.send({
      message_type: "chat_message",
      data: { content: "What are your opening hours?" },
    });
    const response = await socket.next((f) => f.message_type === "chat_response");
    const streamed = socket.ofType("chat_streaming");
    expect(streamed.length).toBeGreaterThan(2);
    const text = streamed.map((f) => f.data.content).join("");
    expect(text).toBe(response.data.message);
    expect(String(response.data.message)).toMatch(/knowledge base has nothing on that question/);
    socket.close();

    // The turn reaches the CRM through the conversation queue.
    let conversation: { status: number; body: { messages?: { role: string; content: string }[] } } =
      { status: 0, body: {} };
    for (let i = 0; i < 50 && (conversation.body.messages?.length ?? 0) < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      conversation = await call(`/api/v1/conversations/${response.data.conversation_id}`, {
        token,
      });
    }
    expect(conversation.body.messages?.map((m) => m.role)).toEqual(["user", "assistant"]);
  });
});
