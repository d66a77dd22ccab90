/**
 * Knowledge reaches the LLM: a document assigned to an agent is retrieved into the prompt the
 * provider receives, the answer cites it, another agent of the same owner does not see it,
 * and once the document is deleted it is gone from answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import type { FakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import { startWorker } from "./harness.ts";
import { TestSocket } from "./ws-client.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
let llm: FakeOpenAI;
beforeAll(async () => {
  // The answer cites passage [1]: a turn's sources are the passages its answer cites.
  llm = await startFakeOpenAI({ tokens: ["The ", "clinic ", "opens ", "at ", "eight ", "[1]."] });
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

const call = async (method: string, path: string, json?: unknown, token?: string) => {
  const res = await fetch(`${worker.url}${path}`, {
    method,
    headers: {
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

async function ask(agentId: string, question: string) {
  const init = (await call("POST", "/api/v1/chat/init", { agent_id: agentId })).body;
  const socket = await TestSocket.open(
    `${String(init.websocket_url)}?token=${String(init.session_token)}`,
  );
  await socket.next((f) => f.message_type === "connection_ack");
  const before = llm.requests.length;
  socket.send({ message_type: "chat_message", data: { content: question } });
  const response = await socket.next(
    (f) => f.message_type === "chat_response" || f.message_type === "chat_error",
  );
  socket.close();
  const request = llm.requests[before] as
    { messages: { role: string; content: string }[] } | undefined;
  return { response, system: request?.messages[0]?.content ?? "" };
}

describe("answers grounded in the agent's documents", () => {
  it("puts retrieved passages in the prompt, cites them, and forgets a deleted document", async () => {
    const { access_token: token } = (
      await call("POST", "/api/v1/dev/sign-in", {
        email: `grounded-${crypto.randomUUID().slice(0, 8)}@example.com`,
      })
    ).body as { access_token: string };
    const agent = (
      await call(
        "POST",
        "/api/v1/agents",
        { name: "Clinic desk", is_public: true, execution_config: { model: "fake-model" } },
        token,
      )
    ).body;
    const other = (
      await call(
        "POST",
        "/api/v1/agents",
        { name: "Unrelated", is_public: true, execution_config: { model: "fake-model" } },
        token,
      )
    ).body;
    const ingest = (
      await call(
        "POST",
        "/api/v1/ingest",
        {
          document_name: "Clinic handbook",
          content:
            "# Opening hours\n\nThe Riverside clinic opens at eight in the morning and closes at six in the evening on weekdays.\n\n# Parking\n\nVisitors park behind the pharmacy.",
          agent_ids: [agent.id],
        },
        token,
      )
    ).body;
    for (let i = 0; i < 100; i++) {
      const s = (
        await call("GET", `/api/v1/ingest/${String(ingest.job_id)}/status`, undefined, token)
      ).body;
      if (s.status !== "processing") break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const grounded = await ask(String(agent.id), "When does the Riverside clinic open?");
    expect(grounded.system).toContain("The Riverside clinic opens at eight in the morning");
    expect(grounded.system).toMatch(/\[1\] Clinic handbook/);
    expect(grounded.response.data.sources).toEqual([
      expect.objectContaining({
        document_id: ingest.document_id,
        document_name: "Clinic handbook",
      }),
    ]);

    const unassigned = await ask(String(other.id), "When does the Riverside clinic open?");
    expect(unassigned.system).not.toContain("Riverside");
    expect(unassigned.response.data.sources).toEqual([]);

    const deleted = await call(
      "DELETE",
      `/api/v1/documents/${String(ingest.document_id)}`,
      undefined,
      token,
    );
    expect(deleted.body).toMatchObject({ deleted: true, chunks_deleted: 1 });
    const after = await ask(String(agent.id), "When does the Riverside clinic open?");
    expect(after.system).not.toContain("Riverside");
    expect(after.response.data.sources).toEqual([]);
  });
});
