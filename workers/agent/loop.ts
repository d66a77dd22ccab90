/**
 * An advanced-mode turn: a bounded ReAct loop with native function calling. The model is
 * called with the agent's tools; the tool calls it makes run (in parallel, each validated and
 * timed out), their results go back to it, and so on until it answers in text. Every step is
 * told to the sink as it happens (the ChatSession stores it, then relays it as `agent_step`),
 * and the loop's state is checkpointed after each model response and each tool result, so a
 * turn restarted in a new instance goes on from there: no model call is made twice for a step
 * already done (a tool call whose result was not stored yet runs again).
 *
 * Text and tool calls in one response: a model may write before it calls a tool ("Let me look
 * that up."). The first HOLD_CHARS of a response are held back; if the response ends in tool
 * calls, the held text becomes a `thought` step, otherwise it is the answer's start and the
 * rest streams live. A response that goes on past HOLD_CHARS and then calls a tool keeps what
 * it streamed as part of the answer.
 *
 * Bounds, each ending the turn with the best answer so far and a `limit` step saying so:
 * `max_iterations` model calls (the last call gets no tools, so it must answer), `maxToolCalls`
 * tool calls (calls past it get a tool error and the next call must answer), `toolTimeoutMs`
 * per tool, `turnTimeoutMs` for the tools of a turn (past it, no further model call: the answer
 * is what was streamed, or quotes from the passages found), and the answer-token cap on every call.
 */
import type { AgentStepRecord, Usage } from "../../shared/conversation.ts";
import type { AgentSnapshot } from "../chat/agent-snapshot.ts";
import { CitationRenumberer, citedSources } from "../chat/citations.ts";
import { historyWindow } from "../chat/prompt.ts";
import { rewriteQuery } from "../chat/rewrite.ts";
import type { ChatTaskResult, TaskSink } from "../chat/run-chat-task.ts";
import { toChatTaskError } from "../chat/run-chat-task.ts";
import type { WorkerEnv } from "../env.ts";
import { extractiveAnswer } from "../llm/extractive.ts";
import { streamGuarded } from "../llm/guarded-stream.ts";
import { withRetries } from "../llm/retry.ts";
import { selectProvider } from "../llm/select.ts";
import type { AgentTurn, ChatTurn, ToolCall } from "../llm/types.ts";
import { agentSystemPrompt } from "./agent-prompt.ts";
import type { AgentState } from "./agent-state.ts";
import { freshAgentState } from "./agent-state.ts";
import { runToolCalls } from "./run-tools.ts";
import type { AgentTool, CapturedContact } from "./tools/types.ts";

/** Characters of a response held back until it is known whether it ends in tool calls. */
export const HOLD_CHARS = 160;

export interface AgentBounds {
  maxToolCalls: number;
  toolTimeoutMs: number;
  turnTimeoutMs: number;
}

export const DEFAULT_AGENT_BOUNDS: AgentBounds = {
  maxToolCalls: 8,
  toolTimeoutMs: 15_000,
  turnTimeoutMs: 90_000,
};

export interface AgentSink extends TaskSink {
  /** A step happened: stored, then relayed (in that order, by the session). */
  step(step: AgentStepRecord): void;
  /** The loop's state after a model response or a tool result: stored for a restart. */
  checkpoint(state: AgentState): void;
}

export interface AgentTaskInput {
  env: WorkerEnv;
  agent: AgentSnapshot;
  tools: AgentTool[];
  history: ChatTurn[];
  userMessage: string;
  conversationId: string;
  sessionId: string;
  maxAnswerTokens: number;
  stallMs: number;
  bounds?: Partial<AgentBounds>;
  /** Where an earlier attempt of this turn got to (null: a fresh turn). */
  saved: AgentState | null;
  saveContact: (contact: CapturedContact) => Promise<void>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  maxAttempts?: number;
  onAttemptFailed?: (attempt: number, err: unknown) => void;
  onToolFailed?: (tool: string, err: unknown) => void;
}

export interface AgentTaskResult extends ChatTaskResult {
  steps: AgentStepRecord[];
}

const addUsage = (a: Usage, b: Usage | null): Usage =>
  b
    ? {
        prompt_tokens: a.prompt_tokens + b.prompt_tokens,
        completion_tokens: a.completion_tokens + b.completion_tokens,
        total_tokens: a.total_tokens + b.total_tokens,
      }
    : a;

export async function runAgentTask(
  input: AgentTaskInput,
  sink: AgentSink,
): Promise<AgentTaskResult> {
  const { agent } = input;
  const exec = agent.execution_config;
  const bounds = { ...DEFAULT_AGENT_BOUNDS, ...input.bounds };
  const now = input.now ?? Date.now;
  const provider = selectProvider(
    input.env,
    exec.model,
    input.fetch ? { fetch: input.fetch } : undefined,
  );
  const history = historyWindow(input.history, exec.history_window);
  const state = input.saved ?? freshAgentState(now());
  // The offline plan searches the message made standalone (a follow-up names its subject only
  // in the rewrite); a model writes its own queries.
  if (!input.saved && provider.name === "extractive") {
    state.search_query = (
      await rewriteQuery(input.env, agent, input.userMessage, input.history)
    ).query;
  }
  const prompt: AgentTurn[] = [
    { role: "system", content: agentSystemPrompt(agent.system_prompt) },
    ...history,
    { role: "user", content: input.userMessage },
  ];
  const visitorMessages = [
    ...input.history.filter((t) => t.role === "user").map((t) => t.content),
    input.userMessage,
  ];
  const started = now();
  let attempt = 0;
  let firstTokenAt: number | null = null;
  let answer = ""; // what this attempt streamed
  let chunksThisAttempt = 0;
  let citations = new CitationRenumberer(state.passages.length);

  const emit = (text: string) => {
    if (!text) return;
    firstTokenAt ??= now();
    answer += text;
    chunksThisAttempt += 1;
    sink.delta(text);
  };
  /** A new attempt: the answer streams again from its start, committed text first. */
  const startAttempt = () => {
    attempt += 1;
    answer = "";
    chunksThisAttempt = 0;
    citations = new CitationRenumberer(state.passages.length);
    sink.startAttempt(attempt);
    if (state.answer_raw) emit(citations.push(state.answer_raw));
  };
  const addStep = (step: Omit<AgentStepRecord, "step">) => {
    const record = { ...step, step: state.steps.length };
    state.steps.push(record);
    sink.step(record);
  };
  const limit = (summary: string) =>
    addStep({ kind: "limit", tool: null, call_id: null, summary, detail: null });

  const finish = (): AgentTaskResult => {
    emit(citations.flush());
    return {
      text: answer,
      usage: state.usage,
      model: exec.model,
      provider: provider.name,
      sources: citedSources(state.passages, citations.cited),
      attempts: attempt,
      timeToFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
      steps: state.steps,
    };
  };

  try {
    startAttempt();
    for (;;) {
      if (state.pending) {
        await runToolCalls(state, state.pending, {
          tools: input.tools,
          bounds,
          now,
          context: {
            env: input.env,
            agent,
            conversationId: input.conversationId,
            sessionId: input.sessionId,
            visitorMessages,
            fetch: input.fetch ?? fetch,
            now: () => new Date(now()),
            saveContact: input.saveContact,
          },
          addStep,
          checkpoint: () => sink.checkpoint(state),
          onToolFailed: input.onToolFailed,
        });
        state.pending = null;
        sink.checkpoint(state);
      }
      if (now() - state.started_at >= bounds.turnTimeoutMs) {
        limit(
          `Stopped after ${Math.round(bounds.turnTimeoutMs / 1000)} s, this turn's time limit; answering with what was found`,
        );
        if (!answer.trim())
          emit(
            citations.push(
              extractiveAnswer({
                model: exec.model,
                messages: prompt,
                temperature: 0,
                max_tokens: 0,
                top_p: 1,
                passages: state.passages,
                ...(state.search_query ? { searchQuery: state.search_query } : {}),
              }),
            ),
          );
        return finish();
      }
      const outOfCalls = state.iterations + 1 >= exec.max_iterations;
      const outOfTools = state.tool_calls >= bounds.maxToolCalls;
      if (state.iterations > 0 && outOfCalls)
        limit(
          `Reached this agent's limit of ${exec.max_iterations} steps; answering with what was found`,
        );
      else if (outOfTools && !state.limited_tools) {
        state.limited_tools = true;
        limit(
          `Reached this turn's limit of ${bounds.maxToolCalls} tool calls; answering with what was found`,
        );
      }
      const final = outOfCalls || outOfTools || input.tools.length === 0;
      const response = await callModel(final);
      state.iterations += 1;
      state.usage = addUsage(state.usage, response.usage);
      if (response.calls.length === 0 || final) return finish();
      // The model asked for tools: its text so far was a thought, or the answer's start.
      if (response.held.trim())
        addStep({
          kind: "thought",
          tool: null,
          call_id: null,
          summary: response.held.trim().slice(0, 300),
          detail: null,
        });
      state.answer_raw += response.committed;
      state.turns.push({
        role: "assistant",
        content: response.held + response.committed,
        tool_calls: response.calls,
      });
      state.pending = response.calls;
      for (const call of response.calls) {
        const tool = input.tools.find((t) => t.spec.name === call.name);
        addStep({
          kind: "tool_call",
          tool: call.name,
          call_id: call.id,
          summary: describeCall(tool, call),
          detail: readableArguments(call.arguments),
        });
      }
      sink.checkpoint(state);
    }
  } catch (err) {
    throw toChatTaskError(err);
  }

  /** One model call (retried as new attempts), its text streamed or held per the header. */
  async function callModel(final: boolean): Promise<{
    held: string;
    committed: string;
    calls: ToolCall[];
    usage: Usage | null;
  }> {
    return withRetries(
      async (n) => {
        if (n > 1 && chunksThisAttempt > 0) startAttempt();
        let held = "";
        let committed = "";
        let holding = true;
        const calls: ToolCall[] = [];
        let usage: Usage | null = null;
        // Text after earlier text of the answer starts a new paragraph.
        const lead = () => (state.answer_raw ? "\n\n" : "");
        citations.passageCount = state.passages.length;
        try {
          await streamGuarded(
            provider,
            {
              model: exec.model,
              messages: [...prompt, ...state.turns],
              ...(final ? {} : { tools: input.tools.map((t) => t.spec) }),
              temperature: exec.temperature,
              max_tokens: Math.min(exec.max_tokens, input.maxAnswerTokens),
              top_p: exec.top_p,
              passages: state.passages,
              ...(state.search_query ? { searchQuery: state.search_query } : {}),
            },
            input.stallMs,
            (event) => {
              if (event.type === "tool_call") calls.push(event.call);
              else if (event.type === "usage") usage = event.usage;
              else if (holding) {
                held += event.text;
                if (final || held.length >= HOLD_CHARS) {
                  holding = false;
                  committed = held;
                  held = "";
                  emit(citations.push(lead() + committed));
                }
              } else {
                committed += event.text;
                emit(citations.push(event.text));
              }
            },
          );
        } catch (err) {
          input.onAttemptFailed?.(attempt, err);
          throw err;
        }
        if (calls.length === 0 && held) {
          emit(citations.push(lead() + held));
          committed = held;
          held = "";
        }
        return { held, committed, calls, usage };
      },
      {
        maxAttempts: input.maxAttempts ?? 3,
        ...(input.sleep ? { sleep: input.sleep } : {}),
      },
    );
  }
}

/** A call's arguments as "name: value" lines for the step's detail (as sent, if not an object). */
function readableArguments(json: string): string {
  try {
    const value: unknown = JSON.parse(json);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return Object.entries(value)
        .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
        .join("\n")
        .slice(0, 2000);
  } catch {
    // not JSON: shown as sent
  }
  return json.slice(0, 2000);
}

function describeCall(tool: AgentTool | undefined, call: ToolCall): string {
  if (!tool) return `Calling ${call.name}`;
  try {
    const parsed = tool.args.safeParse(JSON.parse(call.arguments));
    if (parsed.success) return tool.describeCall(parsed.data);
  } catch {
    // not JSON: the result step will say so
  }
  return `Calling ${call.name}`;
}
