/**
 * The execution queue consumer hands each chat task to its session exactly once: duplicate and
 * late deliveries change nothing, poison messages go to the dead-letter queue with a reason,
 * and a failed hand-over is retried with a delay.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { MockInstance } from "vitest";
import type { WorkerEnv } from "../../../workers/env.ts";
import { handleExecutionBatch } from "../../../workers/services/execution/consumer.ts";
import { retryDelaySeconds } from "../../../workers/services/dead-letter.ts";
import {
  executionAction,
  openSocket,
  recordConversationActions,
  sessionStub,
  sql,
  stageTask,
  startChat,
} from "./helpers.ts";

const QUEUE = "nooble-execution";

async function deliver(bodies: unknown[], opts: { env?: WorkerEnv; attempts?: number } = {}) {
  const batch = createMessageBatch(
    QUEUE,
    bodies.map((body) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: opts.attempts ?? 1,
      body,
    })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await handleExecutionBatch(batch, opts.env ?? env);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryDelays: retries.flatMap((spy) => spy.mock.calls.map(([options]) => options?.delaySeconds)),
  };
}

let deadLetters: MockInstance<Queue["send"]> | undefined;
function recordDeadLetters() {
  const send = vi.spyOn(env.DEAD_LETTER_QUEUE, "send");
  deadLetters = send;
  return () =>
    send.mock.calls.map(([letter]) => letter as { queue: string; reason: string; body: unknown });
}

const assistantCount = async (sessionId: string) =>
  (
    await sql<{ n: number }>(
      sessionId,
      "select count(*) as n from messages where role = 'assistant'",
    )
  )[0]?.n;

afterEach(() => {
  deadLetters?.mockRestore();
});

recordConversationActions();

describe("execution consumer", () => {
  it("runs a task once when its action is delivered twice in one batch and again in a later batch", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const socket = await openSocket(chat);
    const action = executionAction(chat, taskId);

    const first = await deliver([action, action]);
    expect(first.explicitAcks).toHaveLength(2);
    expect(first.retryMessages).toEqual([]);
    await socket.next("chat_response", (f) => f.task_id === taskId);

    const later = await deliver([action]);
    expect(later.explicitAcks).toHaveLength(1);
    await socket.reply({ message_type: "ping" }, "pong");
    const chunks = socket.chunks(taskId);
    expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.filter((c) => c.final)).toHaveLength(1);
    expect(socket.ofType("chat_response", taskId)).toHaveLength(1);
    expect(await assistantCount(chat.session_id)).toBe(1);
    expect(await sessionStub(chat.session_id).status()).toMatchObject({
      message_count: 2,
      active_task_id: null,
    });
    socket.close();
  });

  it("tells the consumer a delivery is started, then a duplicate (or finished), then finished", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const socket = await openSocket(chat);
    const stub = sessionStub(chat.session_id);
    const action = executionAction(chat, taskId);

    expect(await stub.acceptTask(action)).toBe("started");
    // The offline provider may finish the answer between the two calls: either way nothing starts again.
    expect(["duplicate", "finished"]).toContain(await stub.acceptTask(action));
    await socket.next("chat_response", (f) => f.task_id === taskId);
    expect(await stub.acceptTask(action)).toBe("finished");
    expect(await stub.acceptTask(executionAction(chat, crypto.randomUUID()))).toBe("unknown");
    expect(await assistantCount(chat.session_id)).toBe(1);
    socket.close();
  });

  it("acks an action for a failed task and changes nothing", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    await sql(chat.session_id, "update tasks set status = 'failed' where id = ?", taskId);
    const result = await deliver([executionAction(chat, taskId)]);
    expect(result.explicitAcks).toHaveLength(1);
    const [task] = await sql<{ status: string }>(
      chat.session_id,
      "select status from tasks where id = ?",
      taskId,
    );
    expect(task?.status).toBe("failed");
    expect(await assistantCount(chat.session_id)).toBe(0);
  });

  it("dead-letters a malformed body and an unknown action type with their reasons, and acks them", async () => {
    const chat = await startChat();
    const unknownType = {
      ...executionAction(chat, crypto.randomUUID()),
      action_type: "execution.chat.summarize",
    };
    const letters = recordDeadLetters();
    const result = await deliver([
      "not an action",
      { action_type: "execution.chat.simple" },
      unknownType,
    ]);

    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toEqual([]);
    const sent = letters();
    expect(sent.map((l) => l.queue)).toEqual([QUEUE, QUEUE, QUEUE]);
    expect(sent.map((l) => l.body)).toEqual([
      "not an action",
      { action_type: "execution.chat.simple" },
      unknownType,
    ]);
    expect(sent[0]?.reason).toMatch(/^invalid DomainAction: /);
    expect(sent[1]?.reason).toMatch(/action_id.*tenant_id/);
    expect(sent[2]?.reason).toBe("unknown action type execution.chat.summarize");
  });

  it("retries with a delay when the session cannot be reached, and dead-letters nothing", async () => {
    const chat = await startChat();
    const taskId = await stageTask(chat.session_id, { status: "queued" });
    const socket = await openSocket(chat);
    const failing = {
      get: () => ({ acceptTask: () => Promise.reject(new Error("Durable Object reset")) }),
      idFromName: (name: string) => name,
    };
    const broken = { ...env, CHAT_SESSION: failing } as unknown as WorkerEnv;
    const letters = recordDeadLetters();

    const result = await deliver([executionAction(chat, taskId)], { env: broken, attempts: 2 });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(result.retryDelays).toEqual([retryDelaySeconds(2)]);
    expect(letters()).toEqual([]);

    const retried = await deliver([executionAction(chat, taskId)], { attempts: 3 });
    expect(retried.explicitAcks).toHaveLength(1);
    await socket.next("chat_response", (f) => f.task_id === taskId);
    socket.close();
  });
});
