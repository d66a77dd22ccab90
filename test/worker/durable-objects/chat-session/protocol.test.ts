/**
 * The chat WebSocket protocol, frame by frame: connection_ack, then for a message
 * chat_processing, chat_streaming chunks in order with one final frame, and chat_response; the
 * original's envelope on every server frame; ping/pong; the shorthand user_message frame.
 */
import { describe, expect, it, vi } from "vitest";
import {
  ChatProcessingDataSchema,
  ChatResponseDataSchema,
  ChatStreamingDataSchema,
  ConnectionAckDataSchema,
} from "../../../../shared/protocol/chat.ts";
import {
  FrameEnvelopeSchema,
  chatStreamingFrameText,
  frameText,
} from "../../../../shared/protocol/frame.ts";
import { api } from "../../helpers.ts";
import { ask, openSocket, recordConversationActions, startChat } from "../../chat/helpers.ts";

const ENVELOPE_KEYS = ["data", "message_id", "message_type", "session_id", "task_id", "timestamp"];

const conversationActions = recordConversationActions();

describe("chat WebSocket protocol", () => {
  it("acknowledges a connection first, with the agent and an empty history", async () => {
    const chat = await startChat({ name: "Helper" });
    const socket = await openSocket(chat);
    const first = socket.frames[0];
    expect(first?.message_type).toBe("connection_ack");
    expect(ConnectionAckDataSchema.parse(first?.data)).toEqual({
      session_id: chat.session_id,
      agent_id: chat.agent.id,
      agent_name: "Helper",
      history: [],
      active_task: null,
    });
    socket.close();
  });

  it("streams an answer as processing, ordered chunks, one final frame, then the response", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "What are your opening hours?");

    const processing = socket.ofType("chat_processing", taskId);
    expect(processing).toHaveLength(1);
    expect(ChatProcessingDataSchema.parse(processing[0]?.data)).toEqual({
      task_id: taskId,
      mode: "simple",
      attempt: 1,
    });

    const types = socket.frames.slice(1).map((f) => f.message_type);
    expect(types[0]).toBe("chat_processing");
    expect(types.at(-1)).toBe("chat_response");
    const streaming = socket
      .ofType("chat_streaming", taskId)
      .map((f) => ChatStreamingDataSchema.parse(f.data));
    expect(streaming.length).toBeGreaterThan(2);
    expect(streaming.map((s) => s.chunk_index)).toEqual(streaming.map((_, i) => i));
    expect(streaming.filter((s) => s.is_final)).toEqual([
      { content: "", chunk_index: streaming.length - 1, is_final: true, attempt: 1 },
    ]);
    expect(streaming.at(-1)?.is_final).toBe(true);

    const data = ChatResponseDataSchema.parse(response.data);
    expect(streaming.map((s) => s.content).join("")).toBe(data.message);
    // The offline provider with no passages (simple mode): it says so, with no "no model" preamble.
    expect(data.message).toBe("This agent's knowledge base has nothing on that question.");
    expect(data.usage.total_tokens).toBe(data.usage.prompt_tokens + data.usage.completion_tokens);
    expect(data.usage.completion_tokens).toBeGreaterThan(0);
    expect(data.sources).toEqual([]);
    expect(data.execution_time_ms).toBeGreaterThanOrEqual(0);
    expect(data.conversation_id).toMatch(/^[0-9a-f-]{36}$/);
    socket.close();
  });

  it("hands the finished turn to the conversation queue: both messages, once, with the answer", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId, response } = await ask(socket, "Persist me");
    const creates = conversationActions().filter(
      (a) => a.session_id === chat.session_id && a.action_type === "conversation.message.create",
    );
    const messages = creates.map((a) =>
      (a.data["messages"] as { role: string; content: string; seq: number }[]).map((m) => [
        m.role,
        m.content,
        m.seq,
      ]),
    );
    expect(messages).toEqual([
      [
        ["user", "Persist me", 0],
        ["assistant", response.data["message"], 1],
      ],
    ]);
    expect(
      creates.every(
        (a) =>
          a.task_id === taskId &&
          a.tenant_id === chat.agent.owner_id &&
          a.data["conversation_id"] === response.data["conversation_id"],
      ),
    ).toBe(true);
    socket.close();
  });

  it("hands a failed turn's visitor message to the conversation queue, so the owner still sees the question", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    socket.send({
      message_type: "chat_message",
      data: { content: "Think hard", execution_mode: "advanced" },
    });
    const failed = await socket.next("chat_error");
    await vi.waitFor(() =>
      expect(conversationActions().some((a) => a.session_id === chat.session_id)).toBe(true),
    );
    const creates = conversationActions().filter(
      (a) => a.session_id === chat.session_id && a.action_type === "conversation.message.create",
    );
    expect(
      creates.map((a) =>
        (a.data["messages"] as { role: string; content: string }[]).map((m) => [m.role, m.content]),
      ),
    ).toEqual([[["user", "Think hard"]]]);
    expect(creates[0]?.task_id).toBe(failed.task_id);
    socket.close();
  });

  it("wraps every server frame in the envelope with the session id and, for a turn, the task id", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const { taskId } = await ask(socket, "Hello there");
    await socket.reply({ message_type: "ping", data: {} }, "pong");
    expect(socket.raw.length).toBeGreaterThan(4);
    for (const raw of socket.raw) expect(Object.keys(raw as object).sort()).toEqual(ENVELOPE_KEYS);
    for (const f of socket.frames) {
      expect(f.session_id).toBe(chat.session_id);
      expect(f.message_id.length).toBeGreaterThan(0);
      expect(new Date(f.timestamp).toISOString()).toBe(f.timestamp);
    }
    expect(new Set(socket.frames.map((f) => f.message_id)).size).toBe(socket.frames.length);
    const turn = socket.frames.filter((f) =>
      ["chat_processing", "chat_streaming", "chat_response"].includes(f.message_type),
    );
    expect(turn.every((f) => f.task_id === taskId)).toBe(true);
    socket.close();
  });

  it("builds each chat_streaming frame as the same JSON as the general frame builder, each with its own message_id", () => {
    const ids = { session_id: "session-1", task_id: "task-1" };
    const contents = ["plain ", 'a "quote" and a \\ ', "line\nbreak\u2028\ttab ", "🌋 é ", ""];
    const messageIds = new Set<string>();
    contents.forEach((content, i) => {
      const data = { content, chunk_index: i, is_final: i === contents.length - 1, attempt: 2 };
      const fast: unknown = JSON.parse(chatStreamingFrameText(data, ids));
      const general: unknown = JSON.parse(frameText("chat_streaming", data, ids));
      const frame = FrameEnvelopeSchema.parse(fast);
      expect(frame.message_type).toBe("chat_streaming");
      expect(ChatStreamingDataSchema.parse(frame.data)).toEqual(data);
      expect(Object.keys(fast as object)).toEqual(Object.keys(general as object));
      const unstamped = (f: unknown) => ({ ...(f as object), message_id: "", timestamp: "" });
      expect(unstamped(fast)).toEqual(unstamped(general));
      expect(new Date(frame.timestamp).toISOString()).toBe(frame.timestamp);
      messageIds.add(frame.message_id);
    });
    expect(messageIds.size).toBe(contents.length);
  });

  it("answers the shorthand {type: user_message, content} like a chat_message", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    socket.send({ type: "user_message", content: "Do you ship abroad?" });
    const response = await socket.next("chat_response");
    expect(ChatResponseDataSchema.parse(response.data).message).toBe(
      socket
        .chunks(String(response.task_id))
        .map((c) => c.content)
        .join(""),
    );
    socket.close();
  });

  it("answers a ping frame with a pong in the envelope", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const pong = await socket.reply({ message_type: "ping", data: {} }, "pong");
    expect(pong).toMatchObject({ data: {}, session_id: chat.session_id, task_id: null });
    socket.close();
  });

  it("answers the bare keep-alive ping with the automatic bare pong", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const before = socket.raw.length;
    socket.send('{"message_type":"ping"}');
    await socket.next("pong", () => true, before);
    expect(socket.raw.slice(before)).toEqual([{ message_type: "pong" }]);
    socket.close();
  });

  it("streams a task sent over REST to the open socket, and the history then holds the turn", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const res = await api(`/api/v1/chat/${chat.session_id}/task`, {
      method: "POST",
      token: chat.session_token,
      json: { user_message: "Sent over REST" },
    });
    expect(res.status).toBe(202);
    const { task_id, status } = (await res.json()) as { task_id: string; status: string };
    expect(status).toBe("processing");
    const response = await socket.next("chat_response", (f) => f.task_id === task_id);
    expect(
      socket
        .chunks(task_id)
        .map((c) => c.content)
        .join(""),
    ).toBe(ChatResponseDataSchema.parse(response.data).message);
    socket.close();

    const again = await openSocket(chat);
    const history = ConnectionAckDataSchema.parse(again.frames[0]?.data).history;
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ["user", "Sent over REST"],
      ["assistant", ChatResponseDataSchema.parse(response.data).message],
    ]);
    again.close();
  });
});
