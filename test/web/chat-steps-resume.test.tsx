/**
 * An advanced-mode answer survives a dropped socket in the chat panel: the reconnect's
 * `resume` carries `last_step` (the highest step shown) with `last_chunk_index`, and steps the
 * server sends again are shown once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, waitFor } from "@solidjs/testing-library";
import { ChatPanel } from "../../web/src/chat/ChatPanel.tsx";
import { sessionKey } from "../../web/src/chat/session-store.ts";
import { FakeWebSocket } from "./fake-web-socket.ts";

const AGENT = { id: "agent-steps", name: "Guide" };
const SESSION = {
  session_id: "s1",
  session_token: "tok-1",
  websocket_url: "ws://localhost/ws/chat/s1",
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
};
const QUESTION = {
  id: "u1",
  role: "user",
  content: "Refunds?",
  created_at: "2026-01-01T00:00:00Z",
};
const ack = (steps_sent: number) => ({
  session_id: "s1",
  agent_id: AGENT.id,
  agent_name: AGENT.name,
  history: [QUESTION],
  active_task: { task_id: "t1", attempt: 1, chunks_sent: 0, steps_sent },
});
const step = (n: number, kind: "tool_call" | "tool_result", summary: string) => ({
  task_id: "t1",
  step: n,
  kind,
  tool: "knowledge_search",
  call_id: "c1",
  summary,
  detail: null,
  ...(kind === "tool_result" ? { ok: true } : {}),
});
const socket = (n: number) => {
  const ws = FakeWebSocket.instances[n];
  if (!ws) throw new Error(`no socket #${n}`);
  return ws;
};
const resumes = (ws: FakeWebSocket) =>
  ws.sent
    .map((f) => f as { message_type: string; data: unknown })
    .filter((f) => f.message_type === "resume")
    .map((f) => f.data);
const lines = () =>
  [...document.querySelectorAll(".agent-step-text")].map((e) => e.textContent ?? "");

beforeEach(() => {
  FakeWebSocket.instances = [];
  localStorage.clear();
  vi.stubGlobal("WebSocket", FakeWebSocket);
  vi.stubGlobal(
    "fetch",
    vi.fn(async () =>
      Response.json({ error: { code: "NOT_FOUND", message: "no" } }, { status: 404 }),
    ),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ChatPanel with agent steps", () => {
  it("resumes after the last step shown and shows each step once", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    render(() => <ChatPanel agent={AGENT} />);
    socket(0).open();
    socket(0).receive("connection_ack", ack(0));
    expect(resumes(socket(0))).toEqual([
      { task_id: "t1", last_chunk_index: -1, attempt: 1, last_step: -1 },
    ]);
    socket(0).receive("agent_step", step(0, "tool_call", "Searching for 'refunds'…"), "t1");
    expect(lines()).toEqual(["Searching for 'refunds'…"]);

    socket(0).drop(); // in the middle of the tool step
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2), { timeout: 5000 });
    socket(1).open();
    socket(1).receive("connection_ack", ack(2));
    expect(resumes(socket(1))).toEqual([
      { task_id: "t1", last_chunk_index: -1, attempt: 1, last_step: 0 },
    ]);
    // A server may send a step the client has again: it is not shown twice.
    socket(1).receive("agent_step", step(0, "tool_call", "Searching for 'refunds'…"), "t1");
    socket(1).receive("agent_step", step(1, "tool_result", "Searched — 2 passages"), "t1");
    socket(1).receive(
      "chat_streaming",
      { content: "Within 30 days.", chunk_index: 0, is_final: true, attempt: 1 },
      "t1",
    );
    expect(lines()).toEqual(["Searched — 2 passages"]);
    expect(document.querySelector(".chat-message.assistant .markdown")?.textContent).toBe(
      "Within 30 days.",
    );
  });
});
