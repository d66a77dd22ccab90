/**
 * The session's alarm, the one watchdog of a chat turn: a task whose run never began (its
 * instance died first) is started and answered once however often the alarm fires, or fails
 * with a chat_error the visitor sees once the stall time has passed; an interrupted run
 * restarts as a new attempt (dropping the old attempt's chunks); a task that keeps failing
 * gives up; a finished task is left alone; what the outbox holds is sent; and an idle session
 * ends.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createDomainAction } from "../../../../shared/actions.ts";
import { VisitorInfoSchema } from "../../../../shared/conversation.ts";
import { AgentSnapshotSchema } from "../../../../workers/chat/agent-snapshot.ts";
import { ChatErrorDataSchema, ChatResponseDataSchema } from "../../../../shared/protocol/chat.ts";
import {
  openSocket,
  recordConversationActions,
  sessionStub,
  sql,
  storedChunks,
  stageTask,
  startChat,
} from "../../chat/helpers.ts";

const STALL_MS = 60_000; // CHAT_TASK_STALL_MS in wrangler.toml
const IDLE_MS = 1_800_000; // CHAT_IDLE_MS

const conversationActions = recordConversationActions();

const assistantCount = async (sessionId: string) =>
  (
    await sql<{ n: number }>(
      sessionId,
      "select count(*) as n from messages where role = 'assistant'",
    )
  )[0]?.n;

describe("chat session watchdog", () => {
  it("starts a queued task whose run never began on the alarm, and answers it once however often the alarm fires", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const socket = await openSocket(chat);
    const stub = sessionStub(chat.session_id);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await socket.reply({ message_type: "ping" }, "pong");

    const chunks = socket.chunks(taskId);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.filter((c) => c.final)).toHaveLength(1);
    expect(chunks.map((c) => c.content).join("")).toBe(
      ChatResponseDataSchema.parse(response.data).message,
    );
    // One attempt: the socket followed it from its connection_ack (active_task), not a restart.
    expect(chunks.every((c) => c.attempt === 1)).toBe(true);
    expect(socket.ofType("chat_response", taskId)).toHaveLength(1);
    expect(await assistantCount(chat.session_id)).toBe(1);
    expect(await stub.status()).toMatchObject({ message_count: 2, active_task_id: null });
    socket.close();
  });

  it("fails a queued task that never began with chat_error TASK_STALLED once the stall time has passed", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    await sql(
      chat.session_id,
      "update tasks set created_at = ? where id = ?",
      Date.now() - STALL_MS - 1000,
      taskId,
    );
    const socket = await openSocket(chat);
    const stub = sessionStub(chat.session_id);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const error = await socket.next("chat_error");
    expect(error.task_id).toBe(taskId);
    expect(ChatErrorDataSchema.parse(error.data)).toMatchObject({
      code: "TASK_STALLED",
      retry_possible: true,
    });
    expect(await stub.status()).toMatchObject({ active_task_id: null, is_active: true });
    const [task] = await sql<{ status: string }>(
      chat.session_id,
      "select status from tasks where id = ?",
      taskId,
    );
    expect(task?.status).toBe("failed");
    expect(socket.ofType("chat_processing")).toEqual([]);
    expect(await assistantCount(chat.session_id)).toBe(0);
    socket.close();
  });

  it("leaves a failed task alone on the alarm", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    await sql(chat.session_id, "update tasks set status = 'failed' where id = ?", taskId);
    const stub = sessionStub(chat.session_id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const [task] = await sql<{ status: string }>(
      chat.session_id,
      "select status from tasks where id = ?",
      taskId,
    );
    expect(task?.status).toBe("failed");
    expect(await assistantCount(chat.session_id)).toBe(0);
  });

  it("restarts an interrupted run as attempt 2, dropping attempt 1's chunks, and streams the full answer", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 1,
      chunks: ["Half an ", "answer from a dead run "],
    });
    const socket = await openSocket(chat);
    expect(socket.frames[0]?.data["active_task"]).toEqual({
      task_id: taskId,
      attempt: 1,
      chunks_sent: 2,
    });

    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(socket.ofType("chat_processing", taskId).map((f) => f.data)).toEqual([
      { task_id: taskId, mode: "simple", attempt: 2 },
    ]);
    const chunks = socket.chunks(taskId);
    expect(chunks.every((c) => c.attempt === 2)).toBe(true);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    const message = ChatResponseDataSchema.parse(response.data).message;
    expect(chunks.map((c) => c.content).join("")).toBe(message);

    expect((await storedChunks(chat.session_id, taskId)).join("")).toBe(message);
    const [task] = await sql<{ status: string; attempt: number }>(
      chat.session_id,
      "select status, attempt from tasks where id = ?",
      taskId,
    );
    expect(task).toEqual({ status: "completed", attempt: 2 });
    socket.close();
  });

  it("gives up on a task interrupted too many times with TASK_STALLED", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, {
      status: "running",
      attempt: 5,
      chunks: ["again "],
    });
    const socket = await openSocket(chat);
    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const error = await socket.next("chat_error");
    expect(error).toMatchObject({
      task_id: taskId,
      data: { code: "TASK_STALLED", retry_possible: true },
    });
    expect(socket.ofType("chat_processing")).toEqual([]);
    socket.close();
  });

  it("writes the alarm only when its time changes: a repeated chat/init leaves it as it is", async () => {
    const chat = await startChat();
    const [row] = await sql<{ agent: string; visitor: string; conversation_id: string }>(
      chat.session_id,
      "select agent, visitor, conversation_id from session",
    );
    if (!row) throw new Error("the session was not stored");
    const input = {
      session_id: chat.session_id,
      agent: AgentSnapshotSchema.parse(JSON.parse(row.agent)),
      visitor: VisitorInfoSchema.parse(JSON.parse(row.visitor)),
      conversation_id: row.conversation_id,
    };
    const { before, after, writes } = await runInDurableObject(
      sessionStub(chat.session_id),
      async (instance, state) => {
        const alarmAt = await state.storage.getAlarm();
        const setAlarm = vi.spyOn(state.storage, "setAlarm");
        const deleteAlarm = vi.spyOn(state.storage, "deleteAlarm");
        try {
          expect(await instance.initialize(input)).toEqual({ ok: true, task_id: null });
          return {
            before: alarmAt,
            after: await state.storage.getAlarm(),
            writes: setAlarm.mock.calls.length + deleteAlarm.mock.calls.length,
          };
        } finally {
          setAlarm.mockRestore();
          deleteAlarm.mockRestore();
        }
      },
    );
    expect(before).toEqual(expect.any(Number));
    expect(after).toBe(before);
    expect(writes).toBe(0);
  });

  it("ends an idle session on the alarm and closes its sockets", async () => {
    const chat = await startChat();
    const socket = await openSocket(chat);
    const closed = new Promise<number>((resolve) => socket.onClose(resolve));
    const stub = sessionStub(chat.session_id);

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status())?.is_active).toBe(true);

    await sql(
      chat.session_id,
      "update session set last_activity_at = ?",
      Date.now() - IDLE_MS - 1000,
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status())?.is_active).toBe(false);
    expect(await closed).toBe(1000);
    const [row] = await sql<{ end_reason: string }>(
      chat.session_id,
      "select end_reason from session",
    );
    expect(row?.end_reason).toBe("idle");
    const ends = conversationActions().filter(
      (a) => a.session_id === chat.session_id && a.action_type === "conversation.session.end",
    );
    expect(ends.map((a) => a.data["reason"])).toEqual(["idle"]);
  });

  it("sends on the alarm what the outbox still holds, and drops the rows no retry could send (an earlier version's turn ledger, a payload its schema refuses)", async () => {
    const chat = await startChat();
    const ids = {
      tenant_id: chat.agent.owner_id,
      session_id: chat.session_id,
      task_id: crypto.randomUUID(),
      agent_id: chat.agent.id,
      origin_service: "chat-session",
      trace_id: "outbox-test",
    };
    // Built by hand: execution.chat.* is no longer an action type this version creates.
    const ledger = {
      ...ids,
      action_id: crypto.randomUUID(),
      timestamp: new Date().toISOString(),
      action_type: "execution.chat.simple",
      data: { user_message_id: "m-1" },
      metadata: {},
    };
    const pending = createDomainAction({
      ...ids,
      action_type: "conversation.message.create",
      data: {
        conversation_id: crypto.randomUUID(),
        session_id: chat.session_id,
        agent_id: chat.agent.id,
        started_at: new Date().toISOString(),
        messages: [
          {
            id: crypto.randomUUID(),
            role: "user",
            content: "hello",
            seq: 1,
            created_at: new Date().toISOString(),
          },
        ],
      },
    });
    // Well-formed but refused by its payload schema: no retry could send it.
    const refused = createDomainAction({ ...ids, action_type: "conversation.message.create" });
    await sql(
      chat.session_id,
      "insert into outbox (id, body, created_at) values (?, ?, 1), (?, ?, 2), (?, ?, 3)",
      ledger.action_id,
      JSON.stringify({ queue: "execution", action: ledger, delay_seconds: 2 }),
      refused.action_id,
      JSON.stringify({ queue: "conversation", action: refused }),
      pending.action_id,
      JSON.stringify({ queue: "conversation", action: pending }),
    );

    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    expect(await sql(chat.session_id, "select id from outbox")).toEqual([]);
    const sent = conversationActions().filter((a) => a.session_id === chat.session_id);
    expect(sent.map((a) => a.action_id)).toEqual([pending.action_id]);
  });

  it("does not end an idle-looking session while a task is active", async () => {
    const chat = await startChat();
    await stageTask(chat.session_id, { status: "queued" });
    await sql(
      chat.session_id,
      "update session set last_activity_at = ?",
      Date.now() - IDLE_MS - 1000,
    );
    const stub = sessionStub(chat.session_id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.status())?.is_active).toBe(true);
    // The alarm started the task instead: it is answered, and the session stays open.
    await vi.waitFor(async () => expect((await stub.status())?.active_task_id).toBeNull());
    expect((await stub.status())?.is_active).toBe(true);
  });
});
