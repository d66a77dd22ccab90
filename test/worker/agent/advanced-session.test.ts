/**
 * Advanced mode through the ChatSession with a model that calls tools (an OpenAI-compatible
 * provider answering from scripted SSE in OpenAI's tool-call shape), and with its instance
 * gone in the middle of a tool call:
 * - capture_contact reaches the CRM's queue from a real turn (tool -> session -> outbox);
 * - an evicted turn whose tool call was pending restarts from its checkpoint on the alarm:
 *   the tool runs, no step is told twice, and the model's first call is not made again;
 * - knowledge_search stays in its tenant and its agent.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentStepDataSchema, ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import { freshAgentState } from "../../../workers/agent/agent-state.ts";
import { knowledgeSearchTool } from "../../../workers/agent/tools/knowledge-search.ts";
import type { ToolContext } from "../../../workers/agent/tools/types.ts";
import { AgentSnapshotSchema } from "../../../workers/chat/agent-snapshot.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import {
  ask,
  initChat,
  openSocket,
  publicAgent,
  recordConversationActions,
  sessionStub,
  sql,
  stageTask,
} from "../chat/helpers.ts";
import { drain, holdPipelineQueues, ingestText } from "../ingestion/pipeline.ts";
import { api } from "../helpers.ts";
import { openaiEvents, sseResponse } from "../llm/fixtures.ts";
import { openaiToolCallEvents } from "../llm/tool-call-fixtures.ts";

holdPipelineQueues();
const actions = recordConversationActions();

const MODEL = "tool-model";
const LLM_URL = "http://llm-tools.test/v1";
/** What the scripted model answers to its n-th request (from 1) in the current test. */
let script: (n: number) => Response = () => new Response("no script", { status: 500 });
let requests = 0;

const workerEnv = env as WorkerEnv;
const unkeyed = {
  OPENAI_API_KEY: workerEnv.OPENAI_API_KEY,
  OPENAI_BASE_URL: workerEnv.OPENAI_BASE_URL,
  OPENAI_MODELS: workerEnv.OPENAI_MODELS,
};
/** The scripted model is configured (after any ingestion: its key would switch the embedder too). */
const useScriptedModel = () =>
  Object.assign(env, {
    OPENAI_API_KEY: "sk-test-tools",
    OPENAI_BASE_URL: LLM_URL,
    OPENAI_MODELS: MODEL,
  });

beforeAll(() => {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    if (!new Request(input, init).url.startsWith(LLM_URL)) return realFetch(input, init);
    requests += 1;
    return script(requests);
  });
});
afterEach(() => void Object.assign(env, unkeyed));

async function withDocs(
  owner: { token: string; agent: { id: string } },
  docs: Record<string, string>,
) {
  for (const [name, text] of Object.entries(docs)) {
    const job = await ingestText(owner.token, text, {
      document_name: name,
      agent_ids: [owner.agent.id],
    });
    await drain(job.job_id);
  }
}

describe("advanced mode in the chat session", () => {
  it("stores a contact the visitor typed, through a real turn, for the CRM", async () => {
    requests = 0;
    script = (n) =>
      n === 1
        ? sseResponse(
            openaiToolCallEvents([
              {
                id: "call_contact",
                name: "capture_contact",
                pieces: ['{"name":"Ada Lovelace",', '"email":"ada@example.com"}'],
              },
            ]),
          )
        : sseResponse(openaiEvents(["Thanks ", "Ada, ", "we'll ", "be ", "in ", "touch."]));
    useScriptedModel();
    const { agent } = await publicAgent({
      execution_config: {
        mode: "advanced",
        model: MODEL,
        tools: { capture_contact: { enabled: true } },
      },
    });
    const chat = await initChat(agent);
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(
      socket,
      "Please have someone call me back. I'm Ada Lovelace, ada@example.com",
    );
    expect(ChatResponseDataSchema.parse(response.data).message).toBe(
      "Thanks Ada, we'll be in touch.",
    );
    const steps = socket.ofType("agent_step", taskId).map((f) => AgentStepDataSchema.parse(f.data));
    expect(steps.map((s) => [s.kind, s.tool, s.ok])).toEqual([
      ["tool_call", "capture_contact", undefined],
      ["tool_result", "capture_contact", true],
    ]);
    socket.close();
    await vi.waitFor(() => {
      const capture = actions().find(
        (a) =>
          a.action_type === "conversation.contact.capture" &&
          JSON.stringify(a.data).includes(chat.session_id),
      );
      expect(JSON.stringify(capture?.data)).toContain("ada@example.com");
    });
  });

  it("restarts a turn evicted during a tool call from its checkpoint: the tool runs, no step twice, no model call again", async () => {
    requests = 0;
    script = () => sseResponse(openaiEvents(["Vesuvius ", "erupted ", "in ", "1944 ", "[1]."]));
    const owner = await publicAgent({ execution_config: { mode: "advanced" } });
    await withDocs(owner, {
      "vesuvius.txt": "Vesuvius last erupted in 1944, near Naples.",
    });
    useScriptedModel();
    await api(`/api/v1/agents/${owner.agent.id}`, {
      method: "PATCH",
      token: owner.token,
      json: { execution_config: { model: MODEL } },
    });
    const chat = await initChat(owner.agent);
    // The instance died after the model's first response (a knowledge_search call) was stored.
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      content: "When did Vesuvius erupt?",
    });
    const call = {
      id: "call_ks",
      name: "knowledge_search",
      arguments: '{"query":"Vesuvius eruption"}',
    };
    const step0 = {
      step: 0,
      kind: "tool_call" as const,
      tool: "knowledge_search",
      call_id: call.id,
      summary: "Searching the knowledge base for 'Vesuvius eruption'",
      detail: call.arguments,
    };
    const state = {
      ...freshAgentState(Date.now()),
      turns: [{ role: "assistant" as const, content: "", tool_calls: [call] }],
      steps: [step0],
      iterations: 1,
      pending: [call],
    };
    await sql(chat.session_id, "update tasks set mode = 'advanced' where id = ?", taskId);
    await sql(
      chat.session_id,
      "insert into agent_steps (task_id, step, body) values (?, 0, ?)",
      taskId,
      JSON.stringify(step0),
    );
    await sql(
      chat.session_id,
      "insert into agent_state (task_id, body) values (?, ?)",
      taskId,
      JSON.stringify(state),
    );
    const socket = await openSocket(chat);
    await socket.next("connection_ack");
    socket.send({
      message_type: "resume",
      data: { task_id: taskId, last_chunk_index: -1, last_step: -1 },
    });
    await socket.next("agent_step", (f) => f.task_id === taskId);

    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    const data = ChatResponseDataSchema.parse(response.data);
    expect(data.message).toBe("Vesuvius erupted in 1944 [1].");
    expect(data.sources[0]?.document_name).toBe("vesuvius.txt");
    expect(requests).toBe(1); // the answer only
    const told = socket
      .ofType("agent_step", taskId)
      .map((f) => AgentStepDataSchema.parse(f.data).step);
    expect(told).toEqual([0, 1]);
    const stored = await sql<{ step: number }>(
      chat.session_id,
      "select step from agent_steps where task_id = ? order by step",
      taskId,
    );
    expect(stored.map((r) => r.step)).toEqual([0, 1]);
    socket.close();
  });

  it("searches only its own tenant's and its own agent's documents, whatever the query", async () => {
    const a = await publicAgent();
    const b = await publicAgent();
    const secret = "The launch code of tenant A is zebra-4471-quartz.";
    await withDocs(a, { "secret.txt": secret });
    await withDocs(b, { "menu.txt": "Our cafe serves espresso and croissants." });
    const context = (agentRow: typeof a.agent): ToolContext => ({
      env: env as WorkerEnv,
      agent: AgentSnapshotSchema.parse({
        id: agentRow.id,
        tenant_id: agentRow.owner_id,
        name: agentRow.name,
        description: null,
        system_prompt: "x",
        execution_config: agentRow.execution_config,
        query_config: { ...agentRow.query_config, similarity_threshold: 0 },
      }),
      conversationId: crypto.randomUUID(),
      sessionId: "s",
      visitorMessages: [],
      signal: new AbortController().signal,
      fetch,
      now: () => new Date(),
      saveContact: async () => {},
    });
    const query = { query: "launch code tenant A zebra-4471-quartz", top_k: 10 };
    const fromB = await knowledgeSearchTool.run(query, context(b.agent));
    expect(JSON.stringify(fromB.passages)).not.toContain("zebra");
    const fromA = await knowledgeSearchTool.run(query, context(a.agent));
    expect(fromA.passages?.[0]?.text).toContain("zebra-4471-quartz");
    // Another agent of the same tenant, without the document, finds nothing of it either.
    const other = await publicAgent();
    const sameTenant = { ...other.agent, owner_id: a.agent.owner_id };
    const fromSibling = await knowledgeSearchTool.run(query, context(sameTenant));
    expect(JSON.stringify(fromSibling.passages)).not.toContain("zebra");
  });
});
