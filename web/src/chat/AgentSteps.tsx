/**
 * An advanced-mode answer's steps as compact lines above the answer: a tool call and its
 * result (same call_id) are ONE line, which reads "Searching…" with a spinner while the tool
 * runs and becomes the result's summary when it is back; a failed result is marked as such;
 * thoughts and reached limits are lines of their own. Each line with a detail opens it under
 * itself (a disclosure button). A finished answer's steps can be folded away as a group;
 * `collapsed` starts folded (a stored conversation: the answer is what matters there).
 */
import Check from "lucide-solid/icons/check";
import ChevronRight from "lucide-solid/icons/chevron-right";
import CircleAlert from "lucide-solid/icons/circle-alert";
import LoaderCircle from "lucide-solid/icons/loader-circle";
import {
  For,
  Index,
  Match,
  Show,
  Switch,
  createMemo,
  createSignal,
  createUniqueId,
} from "solid-js";
import type { AgentStepRecord } from "../../../shared/conversation.ts";
import "./agent-steps.css";

/** One line: a tool call with its result when back, a result whose call is unknown, a thought or a limit. */
export interface StepLine {
  key: string;
  call?: AgentStepRecord;
  result?: AgentStepRecord;
  note?: AgentStepRecord;
}

/** Steps (ordered) as lines: each tool_result joins the tool_call with its call_id. */
export function stepLines(steps: readonly AgentStepRecord[]): StepLine[] {
  const lines: StepLine[] = [];
  const open = new Map<string, StepLine>();
  for (const s of steps) {
    const key = `step-${s.step}`;
    if (s.kind === "tool_call") {
      const line: StepLine = { key, call: s };
      lines.push(line);
      if (s.call_id) open.set(s.call_id, line);
    } else if (s.kind === "tool_result") {
      const line = s.call_id ? open.get(s.call_id) : undefined;
      if (line && !line.result) line.result = s;
      else lines.push({ key, result: s });
    } else {
      lines.push({ key, note: s });
    }
  }
  return lines;
}

type LineState = "working" | "done" | "failed" | "unfinished" | "thought" | "limit";

function stateOf(line: StepLine, working: boolean): LineState {
  if (line.note) return line.note.kind === "limit" ? "limit" : "thought";
  if (line.result) return line.result.ok === false ? "failed" : "done";
  return working ? "working" : "unfinished";
}

function StepItem(props: { line: StepLine; working: boolean }) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  const state = () => stateOf(props.line, props.working);
  const summary = () =>
    (props.line.result ?? props.line.note ?? props.line.call)?.summary ?? "A step";
  const details = () =>
    [
      props.line.call?.detail ? { label: "Asked", text: props.line.call.detail } : null,
      props.line.result?.detail ? { label: "Result", text: props.line.result.detail } : null,
      props.line.note?.detail ? { label: "", text: props.line.note.detail } : null,
    ].filter((d): d is { label: string; text: string } => d !== null);
  const text = () => (
    <>
      <span class="agent-step-summary">{summary()}</span>
      <Show when={state() === "failed"}>
        <span class="agent-step-flag">failed</span>
      </Show>
      <Show when={state() === "unfinished"}>
        <span class="visually-hidden"> (not finished)</span>
      </Show>
    </>
  );
  return (
    <li class="agent-step" data-state={state()}>
      <span class="agent-step-icon" aria-hidden="true">
        <Switch>
          <Match when={state() === "working"}>
            <LoaderCircle size={14} class="agent-step-spinner" />
          </Match>
          <Match when={state() === "failed" || state() === "limit"}>
            <CircleAlert size={14} />
          </Match>
          <Match when={state() === "done"}>
            <Check size={14} />
          </Match>
        </Switch>
      </span>
      <Show when={details().length > 0} fallback={<span class="agent-step-text">{text()}</span>}>
        <div class="agent-step-main">
          <button
            type="button"
            class="agent-step-toggle"
            aria-expanded={open()}
            aria-controls={id}
            onClick={() => setOpen(!open())}
          >
            <ChevronRight size={14} aria-hidden="true" class="agent-step-chevron" />
            <span class="agent-step-text">{text()}</span>
          </button>
          <div id={id} class="agent-step-detail" hidden={!open()}>
            <For each={details()}>
              {(d) => (
                <p>
                  <Show when={d.label}>
                    <span class="agent-step-label">{d.label}: </span>
                  </Show>
                  {d.text}
                </p>
              )}
            </For>
          </div>
        </div>
      </Show>
    </li>
  );
}

export function AgentSteps(props: {
  steps: readonly AgentStepRecord[];
  /** The answer is still being worked on: a call without its result is running. */
  working: boolean;
  /** Start with the group folded (shown only as "N steps"). */
  collapsed?: boolean;
}) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(props.collapsed !== true);
  const lines = createMemo(() => stepLines(props.steps));
  const count = () => `${lines().length} step${lines().length === 1 ? "" : "s"}`;
  return (
    <Show when={lines().length > 0}>
      <div class="agent-steps">
        <Show when={!props.working}>
          <button
            type="button"
            class="agent-steps-toggle"
            aria-expanded={open()}
            aria-controls={id}
            onClick={() => setOpen(!open())}
          >
            <ChevronRight size={14} aria-hidden="true" class="agent-step-chevron" />
            {count()}
          </button>
        </Show>
        <ol
          id={id}
          class="agent-step-list"
          aria-label="What the agent did"
          aria-live="polite"
          hidden={!props.working && !open()}
        >
          {/* By position: a line keeps its open state when its result arrives. */}
          <Index each={lines()}>
            {(line) => <StepItem line={line()} working={props.working} />}
          </Index>
        </ol>
      </div>
    </Show>
  );
}
