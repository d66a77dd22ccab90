/**
 * An advanced-mode turn through the whole ChatSession, offline (no key: the extractive
 * provider's deterministic plan): the visitor's socket gets the knowledge_search step (its call,
 * then its result), then the answer streamed with citations of the passages the search found;
 * the steps are stored with the answer and come back in the transcript; a socket that resumes
 * gets each step once; an agent in simple mode refuses an `advanced` request.
 */
import { describe, expect, it } from "vitest";
import { AgentStepDataSchema, ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import { drain, holdPipelineQueues, ingestText } from "../ingestion/pipeline.ts";
import {
  ask,
  initChat,
  openSocket,
  publicAgent,
  recordConversationActions,
} from "../chat/helpers.ts";
import { VOLCANO_DOCS } from "../chat/volcano-agent.ts";

holdPipelineQueues();
const actions = recordConversationActions();

async function advancedAgent(execution: Record<string, unknown> = {}) {
  const owner = await publicAgent({
    name: `Volcano agent ${crypto.randomUUID().slice(0, 6)}`,
    execution_config: { mode: "advanced", ...execution },
  });
  for (const [key, text] of Object.entries(VOLCANO_DOCS)) {
    const job = await ingestText(owner.token, text, {
      document_name: `${key}.txt`,
      agent_ids: [owner.agent.id],
    });
    await drain(job.job_id);
  }
  return owner;
}

describe("an advanced-mode turn, offline", () => {
  it("searches the knowledge base as a visible step, then streams a cited answer", async () => {
    const { agent } = await advancedAgent();
    const chat = await initChat(agent);
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "When did Vesuvius last erupt?");

    const steps = socket.ofType("agent_step", taskId).map((f) => AgentStepDataSchema.parse(f.data));
    expect(steps.map((s) => [s.step, s.kind, s.tool])).toEqual([
      [0, "tool_call", "knowledge_search"],
      [1, "tool_result", "knowledge_search"],
    ]);
    expect(steps[0]?.summary).toBe(
      "Searching the knowledge base for 'When did Vesuvius last erupt?'",
    );
    expect(steps[1]?.summary).toMatch(
      /^Searched the knowledge base for 'When did Vesuvius last erupt\?' — \d passages?$/,
    );
    expect(steps[1]?.call_id).toBe(steps[0]?.call_id);
    expect(steps[1]?.ok).toBe(true);
    // Every step came before the answer's first chunk.
    const firstChunk = socket.frames.findIndex(
      (f) => f.message_type === "chat_streaming" && f.task_id === taskId,
    );
    const lastStep = socket.frames.findLastIndex((f) => f.message_type === "agent_step");
    expect(lastStep).toBeLessThan(firstChunk);

    const data = ChatResponseDataSchema.parse(response.data);
    expect(data.message).toContain("1944");
    expect(data.message).toContain("[1]");
    expect(data.sources[0]?.document_name).toBe("vesuvius.txt");
    const streamed = socket
      .chunks(taskId)
      .map((c) => c.content)
      .join("");
    expect(streamed).toBe(data.message);

    // The transcript a reloaded page gets carries the steps with the answer.
    const again = await openSocket(chat);
    const ack = await again.next("connection_ack");
    const history = ack.data["history"] as { role: string; steps?: unknown[] }[];
    expect(history.at(-1)?.steps).toHaveLength(2);
    again.close();
    socket.close();

    // And so does the message persisted for the CRM.
    const persisted = actions()
      .flatMap((a) => (a.action_type === "conversation.message.create" ? [a.data] : []))
      .flatMap(
        (d) => (d as { messages: { role: string; metadata: { steps?: unknown[] } }[] }).messages,
      )
      .find((m) => m.role === "assistant" && m.metadata.steps);
    expect(persisted?.metadata.steps).toHaveLength(2);
  });

  it("resends on resume only the steps after last_step, each once", async () => {
    const { agent } = await advancedAgent();
    const chat = await initChat(agent);
    const socket = await openSocket(chat);
    const { taskId } = await ask(socket, "Tell me about Mount Etna.");
    socket.close();

    const late = await openSocket(chat);
    await late.next("connection_ack");
    late.send({
      message_type: "resume",
      data: { task_id: taskId, last_chunk_index: -1, last_step: 0 },
    });
    await late.next("chat_response", (f) => f.task_id === taskId);
    const steps = late
      .ofType("agent_step", taskId)
      .map((f) => AgentStepDataSchema.parse(f.data).step);
    expect(steps).toEqual([1]);
    late.close();
  });

  it("answers an `advanced` request to an agent in simple mode with MODE_UNAVAILABLE, not retryable", async () => {
    const { agent } = await publicAgent();
    const socket = await openSocket(await initChat(agent));
    socket.send({
      message_type: "chat_message",
      data: { content: "Plan my trip", execution_mode: "advanced" },
    });
    const error = await socket.next("chat_error");
    expect(error.data).toMatchObject({ code: "MODE_UNAVAILABLE", retry_possible: false });
    socket.close();
  });

  it("runs in simple mode when the client asks for it, even on an advanced agent: no steps", async () => {
    const { agent } = await advancedAgent();
    const socket = await openSocket(await initChat(agent));
    const from = socket.frames.length;
    socket.send({
      message_type: "chat_message",
      data: { content: "When did Vesuvius last erupt?", execution_mode: "simple" },
    });
    const response = await socket.next("chat_response", () => true, from);
    expect(socket.ofType("agent_step")).toHaveLength(0);
    expect(String(response.data["message"])).toContain("1944");
    socket.close();
  });
});
