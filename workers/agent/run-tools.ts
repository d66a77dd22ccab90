/**
 * Running one model response's tool calls, in parallel: each call's arguments parsed and
 * validated against its tool's schema, the tool run under its timeout (and the turn's), and
 * its result stored in the loop's state as a `tool` turn the model reads next, with a step for
 * the visitor. Nothing a tool does ends the turn: an unknown tool, arguments that are not JSON
 * or fail the schema, a timeout, a refusal (ToolError) or a crash each become an error result
 * the model can act on. A call whose result is already stored (a restart) is not run again.
 */
import { z } from "zod";
import type { AgentStepRecord } from "../../shared/conversation.ts";
import type { Passage, ToolCall } from "../llm/types.ts";
import { fenceToolResult, numberedPassages } from "./agent-prompt.ts";
import type { AgentState } from "./agent-state.ts";
import type { AgentBounds } from "./loop.ts";
import { ToolError } from "./tools/types.ts";
import type { AgentTool, ToolContext, ToolOutcome } from "./tools/types.ts";

/** The most a tool result may put in front of the model. */
export const TOOL_RESULT_MAX_CHARS = 12_000;

export interface RunToolsDeps {
  tools: AgentTool[];
  bounds: AgentBounds;
  now: () => number;
  context: Omit<ToolContext, "signal">;
  addStep: (step: Omit<AgentStepRecord, "step">) => void;
  checkpoint: () => void;
  onToolFailed?: ((tool: string, err: unknown) => void) | undefined;
}

class ToolTimeout extends Error {}

const samePassage = (a: Passage, b: Passage) =>
  a.document_id === b.document_id && a.text === b.text;

export async function runToolCalls(
  state: AgentState,
  calls: ToolCall[],
  deps: RunToolsDeps,
): Promise<void> {
  const answered = new Set(state.turns.flatMap((t) => (t.role === "tool" ? [t.tool_call_id] : [])));
  await Promise.all(
    calls
      .filter((call) => !answered.has(call.id))
      .map(async (call) => {
        const outcome = await runOne(state, call, deps);
        record(state, call, outcome, deps);
      }),
  );
}

type Result = { ok: true; outcome: ToolOutcome } | { ok: false; message: string };

async function runOne(state: AgentState, call: ToolCall, deps: RunToolsDeps): Promise<Result> {
  if (state.tool_calls >= deps.bounds.maxToolCalls)
    return {
      ok: false,
      message: `This turn's limit of ${deps.bounds.maxToolCalls} tool calls is reached: answer with what you have.`,
    };
  state.tool_calls += 1;
  const tool = deps.tools.find((t) => t.spec.name === call.name);
  if (!tool)
    return {
      ok: false,
      message: `There is no tool named "${call.name}". The tools are: ${deps.tools.map((t) => t.spec.name).join(", ")}.`,
    };
  let raw: unknown;
  try {
    raw = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch {
    return {
      ok: false,
      message: `The arguments are not valid JSON (${call.arguments.slice(0, 200)}). Send a JSON object matching the tool's parameters.`,
    };
  }
  const args = tool.args.safeParse(raw);
  if (!args.success)
    return {
      ok: false,
      message: `Invalid arguments for ${call.name}: ${z.prettifyError(args.error)}`,
    };
  const left = deps.bounds.turnTimeoutMs - (deps.now() - state.started_at);
  const timeoutMs = Math.max(0, Math.min(tool.timeoutMs ?? deps.bounds.toolTimeoutMs, left));
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ToolTimeout());
    }, timeoutMs);
  });
  try {
    const run = tool.run(args.data, { ...deps.context, signal: controller.signal });
    return { ok: true, outcome: await Promise.race([run, timeout]) };
  } catch (err) {
    if (err instanceof ToolTimeout)
      return {
        ok: false,
        message: `${call.name} took longer than ${Math.round(timeoutMs / 1000)} s and was stopped.`,
      };
    if (err instanceof ToolError) return { ok: false, message: err.message };
    deps.onToolFailed?.(call.name, err);
    return { ok: false, message: `${call.name} failed unexpectedly. Try another way.` };
  } finally {
    clearTimeout(timer);
  }
}

/** The result in the state (a tool turn, passages numbered), a step, and a checkpoint. */
function record(state: AgentState, call: ToolCall, result: Result, deps: RunToolsDeps): void {
  let content: string;
  if (result.ok) {
    const { outcome } = result;
    content = outcome.content;
    if (outcome.passages?.length) {
      const numbers = outcome.passages.map((p) => {
        const at = state.passages.findIndex((q) => samePassage(p, q));
        return at >= 0 ? at + 1 : state.passages.push(p);
      });
      const listed = outcome.passages
        .map((p, i) => numberedPassages([p], numbers[i] ?? 0))
        .join("\n\n");
      content = `${content}\n\n${listed}`;
    }
  } else {
    content = `Error: ${result.message}`;
  }
  if (content.length > TOOL_RESULT_MAX_CHARS)
    content = `${content.slice(0, TOOL_RESULT_MAX_CHARS)}\n[cut: the result was longer]`;
  state.turns.push({
    role: "tool",
    tool_call_id: call.id,
    name: call.name,
    content: fenceToolResult(call.name, content),
  });
  deps.addStep({
    kind: "tool_result",
    tool: call.name,
    call_id: call.id,
    summary: result.ok ? result.outcome.summary : `${call.name} failed: ${result.message}`,
    detail: result.ok ? result.outcome.detail : null,
    ok: result.ok,
  });
  deps.checkpoint();
}
