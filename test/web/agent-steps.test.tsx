/**
 * Advanced mode's step lines, fed as agent_step frames to the transcript and rendered by
 * MessageList as a visitor sees them: a tool call and its result are one line that changes
 * from working to done, a failed result is marked, each line opens its detail, a new attempt
 * keeps the steps while it resets the answer, a step number is shown once, and the steps of a
 * stored answer come folded.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@solidjs/testing-library";
import { MessageList } from "../../web/src/chat/MessageList.tsx";
import { createTranscript } from "../../web/src/chat/transcript.ts";
import type { AgentStepData } from "../../shared/protocol/chat.ts";

afterEach(cleanup);

const TASK = "task-1";
const call = (step: number, call_id: string, summary: string, detail: string | null = null) =>
  ({
    task_id: TASK,
    step,
    kind: "tool_call",
    tool: "knowledge_search",
    call_id,
    summary,
    detail,
  }) satisfies AgentStepData;
const result = (step: number, call_id: string, summary: string, ok = true, detail = "") =>
  ({
    task_id: TASK,
    step,
    kind: "tool_result",
    tool: "knowledge_search",
    call_id,
    summary,
    detail: detail || null,
    ok,
  }) satisfies AgentStepData;

function setup() {
  const transcript = createTranscript();
  const view = render(() => <MessageList messages={transcript.state.messages} agentName="Guide" />);
  const lines = () =>
    [...view.container.querySelectorAll(".agent-step")].map((li) => ({
      text: li.querySelector(".agent-step-text")?.textContent ?? "",
      state: li.getAttribute("data-state"),
    }));
  return { transcript, view, lines };
}

describe("agent steps in the chat", () => {
  it("shows a tool call as one working line that becomes its result's summary", () => {
    const { transcript, view, lines } = setup();
    transcript.processing(TASK, 1);
    transcript.step(call(0, "c1", "Searching the knowledge base for 'refund policy'…"));
    expect(lines()).toEqual([
      { text: "Searching the knowledge base for 'refund policy'…", state: "working" },
    ]);
    expect(view.container.querySelector(".agent-step-list")?.getAttribute("aria-live")).toBe(
      "polite",
    );
    expect(screen.queryByText("Guide is typing…")).toBeNull(); // the line already says it
    transcript.step(
      result(1, "c1", "Searched the knowledge base for 'refund policy' — 3 passages"),
    );
    expect(lines()).toEqual([
      { text: "Searched the knowledge base for 'refund policy' — 3 passages", state: "done" },
    ]);
  });

  it("marks a failed result and opens a line's detail with its disclosure button", () => {
    const { transcript, lines } = setup();
    transcript.processing(TASK, 1);
    transcript.step(
      call(0, "c1", "Opening example.com/pricing…", "url: https://example.com/pricing"),
    );
    transcript.step(result(1, "c1", "Could not open example.com/pricing", false, "HTTP 404"));
    expect(lines()).toEqual([
      { text: "Could not open example.com/pricingfailed", state: "failed" },
    ]);
    const toggle = screen.getByRole("button", { name: /Could not open example.com\/pricing/ });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const detail = document.getElementById(toggle.getAttribute("aria-controls") ?? "");
    expect(detail?.hidden).toBe(true);
    fireEvent.click(toggle);
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    expect(detail?.hidden).toBe(false);
    expect(detail?.textContent).toContain("Asked: url: https://example.com/pricing");
    expect(detail?.textContent).toContain("Result: HTTP 404");
  });

  it("keeps the steps when a new attempt resets the answer, and shows a step number once", () => {
    const { transcript, view, lines } = setup();
    transcript.processing(TASK, 1);
    transcript.step(call(0, "c1", "Searching…"));
    transcript.step(result(1, "c1", "Searched — 2 passages"));
    transcript.chunk(TASK, { content: "Half an ans", chunk_index: 0, is_final: false, attempt: 1 });
    transcript.processing(TASK, 2);
    expect(view.container.querySelector(".markdown")).toBeNull(); // the old text is gone
    expect(lines()).toEqual([{ text: "Searched — 2 passages", state: "done" }]);
    // The restarted turn (or a resume) sends steps the client has: shown once.
    transcript.step(call(0, "c1", "Searching…"));
    transcript.step(result(1, "c1", "Searched — 2 passages"));
    transcript.step({ ...call(2, "c2", "Searching again…"), tool: "knowledge_search" });
    expect(lines()).toEqual([
      { text: "Searched — 2 passages", state: "done" },
      { text: "Searching again…", state: "working" },
    ]);
    expect(transcript.state.messages[0]?.steps.map((s) => s.step)).toEqual([0, 1, 2]);
  });

  it("shows thoughts and reached limits, and leaves the steps open once the answer is done", () => {
    const { transcript, lines } = setup();
    transcript.processing(TASK, 1);
    transcript.step({
      ...call(0, "c1", "x"),
      kind: "thought",
      tool: null,
      call_id: null,
      summary: "Comparing the two plans",
    });
    transcript.step({
      ...call(1, "c1", "x"),
      kind: "limit",
      tool: null,
      call_id: null,
      summary: "Stopped after 5 steps",
    });
    transcript.respond(TASK, {
      message: "The answer.",
      message_id: "m1",
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      sources: [],
      execution_time_ms: 1,
      conversation_id: "c",
      model: "extractive",
    });
    expect(lines()).toEqual([
      { text: "Comparing the two plans", state: "thought" },
      { text: "Stopped after 5 steps", state: "limit" },
    ]);
    expect(screen.getByRole("button", { name: "2 steps" }).getAttribute("aria-expanded")).toBe(
      "true",
    );
  });

  it("folds a stored answer's steps from connection_ack under one 'N steps' button", () => {
    const { transcript, view } = setup();
    transcript.acknowledge({
      session_id: "s",
      agent_id: "a",
      agent_name: "Guide",
      active_task: null,
      history: [
        { id: "u1", role: "user", content: "Refunds?", created_at: "2026-01-01T00:00:00Z" },
        {
          id: "a1",
          role: "assistant",
          content: "Within 30 days [1].",
          created_at: "2026-01-01T00:00:01Z",
          steps: [call(0, "c1", "Searching…"), result(1, "c1", "Searched — 1 passage")].map(
            ({ task_id: _t, ...s }) => s,
          ),
        },
      ],
    });
    const toggle = screen.getByRole("button", { name: "1 step" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    const list = view.container.querySelector<HTMLElement>(".agent-step-list");
    expect(list?.hidden).toBe(true);
    fireEvent.click(toggle);
    expect(list?.hidden).toBe(false);
    expect(within(list as HTMLElement).getByText("Searched — 1 passage")).toBeTruthy();
  });
});
