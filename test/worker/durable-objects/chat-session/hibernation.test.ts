/**
 * A session survives its Durable Object being evicted: the history stays in SQLite (the next
 * turn's prompt still holds the earlier turns), hibernated sockets keep working with their
 * stream cursors, and every open tab of a session gets the same stream.
 */
import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  ChatResponseDataSchema,
  ConnectionAckDataSchema,
} from "../../../../shared/protocol/chat.ts";
import {
  ask,
  initChat,
  openSocket,
  publicAgent,
  recordConversationActions,
  sessionStub,
  stageTask,
} from "../../chat/helpers.ts";

const FIRST = "Where is your office located?";
const SECOND = "And when are you open?";

recordConversationActions();

describe("a chat session across evictions", () => {
  it("keeps the first turn in the second turn's prompt after the object is evicted with a hibernated socket", async () => {
    const { agent } = await publicAgent();
    const chat = await initChat(agent);
    const socket = await openSocket(chat);
    const first = ChatResponseDataSchema.parse((await ask(socket, FIRST)).response.data);

    await evictDurableObject(sessionStub(chat.session_id), { webSockets: "hibernate" });
    const second = ChatResponseDataSchema.parse((await ask(socket, SECOND)).response.data);
    expect(await sessionStub(chat.session_id).status()).toMatchObject({
      message_count: 4,
      is_active: true,
      active_task_id: null,
    });

    // The same question in a fresh session of the same agent: the difference is the first turn (about 4 characters a token).
    const fresh = await initChat(agent);
    const alone = await openSocket(fresh);
    const baseline = ChatResponseDataSchema.parse((await ask(alone, SECOND)).response.data);
    const added = second.usage.prompt_tokens - baseline.usage.prompt_tokens;
    expect(Math.abs(added - (FIRST.length + first.message.length) / 4)).toBeLessThanOrEqual(1);
    socket.close();
    alone.close();
  });

  // Per-object eviction, not evictAllDurableObjects: other test files share this runtime.
  it("shows both turns in a new socket's history after the object is evicted with its sockets closed", async () => {
    const { agent } = await publicAgent();
    const chat = await initChat(agent);
    const socket = await openSocket(chat);
    const first = await ask(socket, FIRST);
    await evictDurableObject(sessionStub(chat.session_id), { webSockets: "close" });

    const next = await openSocket(chat);
    const second = await ask(next, SECOND);
    await evictDurableObject(sessionStub(chat.session_id), { webSockets: "close" });

    const later = await openSocket(chat);
    const history = ConnectionAckDataSchema.parse(later.frames[0]?.data).history;
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ["user", FIRST],
      ["assistant", first.response.data["message"]],
      ["user", SECOND],
      ["assistant", second.response.data["message"]],
    ]);
    later.close();
  });

  it("streams a task to a socket that joined before it started, though the object hibernated in between", async () => {
    const { agent } = await publicAgent();
    const chat = await initChat(agent);
    const taskId = await stageTask(chat.session_id, { status: "queued", content: FIRST });
    const socket = await openSocket(chat);
    expect(socket.frames[0]?.data["active_task"]).toEqual({
      task_id: taskId,
      attempt: 1,
      chunks_sent: 0,
    });

    await evictDurableObject(sessionStub(chat.session_id));
    // The task's run never began in any instance: the alarm, the turn's watchdog, starts it.
    expect(await runDurableObjectAlarm(sessionStub(chat.session_id))).toBe(true);
    const response = await socket.next("chat_response", (f) => f.task_id === taskId);
    const chunks = socket.chunks(taskId);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.map((c) => c.content).join("")).toBe(response.data["message"]);
    socket.close();
  });

  it("sends the same stream to every open tab of a session, including one that outlived an eviction", async () => {
    const { agent } = await publicAgent();
    const chat = await initChat(agent);
    const tabs = [await openSocket(chat), await openSocket(chat)];
    await evictDurableObject(sessionStub(chat.session_id));
    tabs.push(await openSocket(chat));

    const sender = tabs[0];
    if (!sender) throw new Error("no tab");
    const { taskId, response } = await ask(sender, FIRST);
    const streams = await Promise.all(
      tabs.map(async (tab) => {
        await tab.next("chat_response", (f) => f.task_id === taskId);
        return {
          processing: tab.ofType("chat_processing", taskId).length,
          chunks: tab.chunks(taskId),
          responses: tab.ofType("chat_response", taskId).length,
        };
      }),
    );
    for (const stream of streams) {
      expect(stream).toEqual(streams[0]);
      expect(stream.processing).toBe(1);
      expect(stream.responses).toBe(1);
    }
    expect(streams[0]?.chunks.map((c) => c.content).join("")).toBe(response.data["message"]);
    for (const tab of tabs) tab.close();
  });
});
