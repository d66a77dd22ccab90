/**
 * The chat panel wired to its socket (a scripted stand-in for WebSocket) and to chat/init
 * (a stubbed fetch): the first message starts a session and is sent once the server
 * acknowledges the socket; the session is kept so a reload reconnects and gets the transcript
 * back; a dropped socket reconnects and resumes the answer after the last chunk shown; a
 * refused message goes back into the input; a failed answer can be asked again; a session the
 * server no longer knows is replaced by a fresh start.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { ChatPanel } from "../../web/src/chat/ChatPanel.tsx";
import { sessionKey } from "../../web/src/chat/session-store.ts";
import { ClientFrameSchema } from "../../shared/protocol/chat.ts";
import { FakeWebSocket } from "./fake-web-socket.ts";

const AGENT = { id: "agent-1", name: "Guide", description: "Answers questions about the clinic." };
const SESSION = {
  session_id: "s1",
  session_token: "tok-1",
  websocket_url: "ws://localhost/ws/chat/s1",
  expires_at: new Date(Date.now() + 3_600_000).toISOString(),
};
/** A frame as the panel sends it: the shared envelope (fresh id and time) around `data`. */
const clientFrame = (message_type: string, data: unknown) => ({
  message_id: expect.any(String),
  message_type,
  timestamp: expect.any(String),
  data,
  session_id: "s1",
  task_id: null,
});
const ack = (history: unknown[] = [], active_task: unknown = null) => ({
  session_id: "s1",
  agent_id: AGENT.id,
  agent_name: AGENT.name,
  history,
  active_task,
});
const response = (message: string) => ({
  message,
  message_id: "m-2",
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  sources: [
    {
      document_id: "d1",
      document_name: "Clinic handbook",
      page: 2,
      snippet: "We open at eight.",
      score: 0.8,
    },
  ],
  execution_time_ms: 5,
  conversation_id: "c1",
  model: "extractive",
});

let fetchMock: ReturnType<typeof vi.fn>;
const socket = (n: number) => {
  const ws = FakeWebSocket.instances[n];
  if (!ws) throw new Error(`no socket #${n}`);
  return ws;
};
const answerText = () =>
  [...document.querySelectorAll(".chat-message.assistant .markdown")].map(
    (e) => e.textContent ?? "",
  );

beforeEach(() => {
  FakeWebSocket.instances = [];
  localStorage.clear();
  vi.stubGlobal("WebSocket", FakeWebSocket);
  fetchMock = vi.fn(async (path: string) => {
    if (path === "/api/v1/chat/init")
      return Response.json(
        { ...SESSION, status: "initialized", agent_name: AGENT.name },
        { status: 201 },
      );
    return Response.json({ error: { code: "NOT_FOUND", message: "no" } }, { status: 404 });
  });
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ChatPanel", () => {
  it("starts a session on the first message, sends it after the ack, streams the answer and keeps the session for a reload", async () => {
    render(() => <ChatPanel agent={AGENT} />);
    expect(screen.getByRole("region", { name: "Chat with Guide" })).toBeTruthy();
    screen.getByRole("button", { name: "What can you help me with?" }).click();
    expect(screen.getByText("What can you help me with?", { selector: "p" })).toBeTruthy();
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/v1/chat/init",
      expect.objectContaining({ method: "POST", body: JSON.stringify({ agent_id: AGENT.id }) }),
    );
    expect(socket(0).url).toBe("ws://localhost/ws/chat/s1?token=tok-1");
    expect(JSON.parse(localStorage.getItem(sessionKey(AGENT.id)) ?? "{}")).toMatchObject({
      session_id: "s1",
      session_token: "tok-1",
    });

    socket(0).open();
    expect(socket(0).sent).toEqual([]); // nothing before the ack
    socket(0).receive("connection_ack", ack());
    expect(socket(0).sent).toEqual([
      clientFrame("chat_message", { content: "What can you help me with?" }),
    ]);
    // What the server parses it with.
    expect(ClientFrameSchema.safeParse(socket(0).sent[0]).success).toBe(true);

    socket(0).receive("chat_processing", { task_id: "t1", mode: "simple", attempt: 1 }, "t1");
    expect(screen.getByText("Guide is typing…")).toBeTruthy();
    socket(0).receive(
      "chat_streaming",
      { content: "We open ", chunk_index: 0, is_final: false, attempt: 1 },
      "t1",
    );
    socket(0).receive(
      "chat_streaming",
      { content: "at eight", chunk_index: 1, is_final: false, attempt: 1 },
      "t1",
    );
    expect(answerText()).toEqual(["We open at eight"]);
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
    socket(0).receive(
      "chat_streaming",
      { content: "", chunk_index: 2, is_final: true, attempt: 1 },
      "t1",
    );
    socket(0).receive("chat_response", response("We open at eight [1]."), "t1");
    expect(answerText()).toEqual(["We open at eight [1]."]);
    expect(screen.getByText("1 source", { selector: "summary" })).toBeTruthy();
    expect(screen.getByText("Clinic handbook")).toBeTruthy();

    // A reload: a new panel reconnects with the stored session and the ack restores the transcript.
    cleanup();
    render(() => <ChatPanel agent={AGENT} />);
    expect(FakeWebSocket.instances).toHaveLength(2);
    expect(socket(1).url).toBe("ws://localhost/ws/chat/s1?token=tok-1");
    socket(1).open();
    socket(1).receive(
      "connection_ack",
      ack([
        {
          id: "u1",
          role: "user",
          content: "What can you help me with?",
          created_at: "2026-01-01T00:00:00Z",
        },
        {
          id: "m-2",
          role: "assistant",
          content: "We open at eight [1].",
          created_at: "2026-01-01T00:00:01Z",
          sources: response("").sources,
        },
      ]),
    );
    expect(screen.getByText("What can you help me with?", { selector: "p" })).toBeTruthy();
    expect(answerText()).toEqual(["We open at eight [1]."]);
    expect(screen.getByText("1 source", { selector: "summary" })).toBeTruthy();
    expect(screen.getByText("Clinic handbook")).toBeTruthy();
    expect(fetchMock.mock.calls.filter(([p]) => p === "/api/v1/chat/init")).toHaveLength(1);
  });

  it("reconnects after a drop and resumes the answer after the last chunk shown", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    render(() => <ChatPanel agent={AGENT} />);
    const question = {
      id: "u1",
      role: "user",
      content: "Opening hours?",
      created_at: "2026-01-01T00:00:00Z",
    };
    socket(0).open();
    socket(0).receive(
      "connection_ack",
      ack([question], { task_id: "t1", attempt: 1, chunks_sent: 0 }),
    );
    expect(socket(0).sent).toEqual([
      clientFrame("resume", { task_id: "t1", last_chunk_index: -1, attempt: 1, last_step: -1 }),
    ]);
    socket(0).receive(
      "chat_streaming",
      { content: "Hello ", chunk_index: 0, is_final: false, attempt: 1 },
      "t1",
    );
    socket(0).receive(
      "chat_streaming",
      { content: "wor", chunk_index: 1, is_final: false, attempt: 1 },
      "t1",
    );

    socket(0).drop();
    expect(screen.getByText("Connection lost. Reconnecting…")).toBeTruthy();
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2), { timeout: 5000 });
    expect(answerText()).toEqual(["Hello wor"]); // kept while away
    socket(1).open();
    socket(1).receive(
      "connection_ack",
      ack([question], { task_id: "t1", attempt: 1, chunks_sent: 4 }),
    );
    expect(socket(1).sent).toEqual([
      clientFrame("resume", { task_id: "t1", last_chunk_index: 1, attempt: 1, last_step: -1 }),
    ]);
    socket(1).receive(
      "chat_streaming",
      { content: "ld", chunk_index: 2, is_final: false, attempt: 1 },
      "t1",
    );
    expect(answerText()).toEqual(["Hello world"]);
    socket(1).receive("chat_response", response("Hello world"), "t1");
    expect(answerText()).toEqual(["Hello world"]);
    expect(screen.queryByText(/Reconnecting/)).toBeNull();
  });

  it("counts against the limit chat/init gives, and says answers quote documents when init says so", async () => {
    fetchMock.mockImplementation(async () =>
      Response.json(
        {
          ...SESSION,
          status: "initialized",
          agent_name: AGENT.name,
          max_message_chars: 10,
          quotes_only: true,
        },
        { status: 201 },
      ),
    );
    render(() => <ChatPanel agent={AGENT} />);
    expect(screen.queryByText(/Answers quote the documents/)).toBeNull();
    const input = screen.getByLabelText("Message Guide") as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "Hello" } });
    screen.getByRole("button", { name: "Send" }).click();
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    expect(screen.getByText(/Answers quote the documents directly/)).toBeTruthy();
    fireEvent.input(input, { target: { value: "Twelve chars" } });
    expect(document.querySelector(".chat-counter")?.textContent).toBe("12 / 10");
    expect((screen.getByRole("button", { name: "Send" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("puts a refused message back in the input and says why", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    render(() => <ChatPanel agent={AGENT} />);
    socket(0).open();
    socket(0).receive("connection_ack", ack());
    const input = screen.getByLabelText("Message Guide") as HTMLTextAreaElement;
    fireEvent.input(input, { target: { value: "Hello there" } });
    screen.getByRole("button", { name: "Send" }).click();
    expect(socket(0).sent.at(-1)).toEqual(clientFrame("chat_message", { content: "Hello there" }));
    expect(input.value).toBe("");
    socket(0).receive("error", {
      code: "RATE_LIMITED",
      message: "Too many messages: wait a moment.",
    });
    expect(screen.getByRole("alert").textContent).toContain("Too many messages");
    expect(input.value).toBe("Hello there");
    expect(screen.queryByText("Hello there", { selector: "p" })).toBeNull();
  });

  it("asks the same question again from a failed answer's retry button", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    render(() => <ChatPanel agent={AGENT} />);
    socket(0).open();
    socket(0).receive(
      "connection_ack",
      ack([{ id: "u1", role: "user", content: "Parking?", created_at: "2026-01-01T00:00:00Z" }]),
    );
    socket(0).receive(
      "chat_error",
      { code: "PROVIDER_ERROR", message: "The model is unavailable.", retry_possible: true },
      "t1",
    );
    expect(screen.getByRole("alert").textContent).toContain("The model is unavailable.");
    screen.getByRole("button", { name: "Try again" }).click();
    expect(socket(0).sent.at(-1)).toEqual(clientFrame("chat_message", { content: "Parking?" }));
  });

  it("starts fresh when the stored session is gone on the server", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    fetchMock.mockImplementation(async () =>
      Response.json({ error: { code: "UNAUTHENTICATED", message: "expired" } }, { status: 401 }),
    );
    render(() => <ChatPanel agent={AGENT} />);
    socket(0).drop(); // the upgrade was refused
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(2), { timeout: 5000 });
    socket(1).drop();
    await waitFor(() => expect(screen.getByText(/earlier conversation has expired/)).toBeTruthy(), {
      timeout: 5000,
    });
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/v1/chat/s1/status",
      expect.objectContaining({
        headers: expect.objectContaining({ authorization: "Bearer tok-1" }),
      }),
    );
    expect(localStorage.getItem(sessionKey(AGENT.id))).toBeNull();
    expect(screen.getByRole("button", { name: "What can you help me with?" })).toBeTruthy();
  });

  it("a new conversation ends the old session on the server and clears the transcript", async () => {
    localStorage.setItem(sessionKey(AGENT.id), JSON.stringify(SESSION));
    render(() => <ChatPanel agent={AGENT} />);
    socket(0).open();
    socket(0).receive(
      "connection_ack",
      ack([
        { id: "u1", role: "user", content: "Old question", created_at: "2026-01-01T00:00:00Z" },
      ]),
    );
    expect(screen.getByText("Old question")).toBeTruthy();
    screen.getByRole("button", { name: "New conversation" }).click();
    expect(screen.queryByText("Old question")).toBeNull();
    expect(localStorage.getItem(sessionKey(AGENT.id))).toBeNull();
    expect(fetchMock).toHaveBeenCalledWith(
      "/api/v1/chat/s1",
      expect.objectContaining({ method: "DELETE" }),
    );
  });

  it("the owner's test chat sends chat/init with the owner's token", async () => {
    localStorage.setItem(
      "nooble.dev-session",
      JSON.stringify({
        token: "owner-token",
        expiresAt: Date.now() + 3_600_000,
        user: { id: "u", email: "o@example.com" },
      }),
    );
    render(() => <ChatPanel agent={AGENT} ownerToken />);
    expect(screen.getByRole("heading", { name: "Test chat: Guide" })).toBeTruthy();
    screen.getByRole("button", { name: "What can you help me with?" }).click();
    await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(1));
    const init = fetchMock.mock.calls.find(([p]) => p === "/api/v1/chat/init");
    expect((init?.[1] as RequestInit).headers).toMatchObject({
      authorization: "Bearer owner-token",
    });
    expect(localStorage.getItem(sessionKey(AGENT.id, true))).not.toBeNull();
    expect(localStorage.getItem(sessionKey(AGENT.id))).toBeNull();
  });
});
