/**
 * The one consumer skeleton (workers/services/queue-consumer.ts), through the real consumers
 * and the real queue() entry: which consumer a queue reaches, what is dead-lettered with which
 * reason, what is retried, what a consumer's last attempt does instead of dead-lettering, and
 * what producers may send (workers/actions.ts).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { createDomainAction } from "../../../shared/actions.ts";
import { sendAction, sendActions } from "../../../workers/actions.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { consumerFor, handleQueue } from "../../../workers/queue.ts";
import {
  CONVERSATION_RETRY,
  handleConversationBatch,
} from "../../../workers/services/conversation/consumer.ts";
import { retryDelaySeconds } from "../../../workers/services/dead-letter.ts";
import { signIn } from "../helpers.ts";
import {
  deliver,
  documentRows,
  holdPipelineQueues,
  ingestText,
  sentences,
  status,
  take,
} from "../ingestion/pipeline.ts";

holdPipelineQueues();

/** Delivers `bodies` to queue `queue` through the Worker's queue() entry. */
async function throughQueue(queue: string, bodies: unknown[], workerEnv: WorkerEnv = env) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await handleQueue(batch, workerEnv, ctx);
  const result = await getQueueResult(batch, ctx);
  return {
    acks: result.explicitAcks.length,
    retries: result.retryMessages.length,
    delays: retries.flatMap((spy) => spy.mock.calls.map(([o]) => o?.delaySeconds)),
  };
}

/** Records the letters sent to the dead-letter queue while `run` runs (the real binding receives them). */
async function lettersOf(run: () => Promise<unknown>) {
  const send = vi.spyOn(env.DEAD_LETTER_QUEUE, "send");
  try {
    await run();
    return send.mock.calls.map(([letter]) => letter as { queue: string; reason: string });
  } finally {
    send.mockRestore();
  }
}

/** `env` whose `binding.method` rejects: the one failure no real binding here can be made to have. */
function failing(binding: "DEAD_LETTER_QUEUE" | "DOCUMENTS", method: string): WorkerEnv {
  const real = env[binding];
  const wrapped = new Proxy(real, {
    get: (target, prop) => {
      if (prop === method) return () => Promise.reject(new Error(`${binding} is down`));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { ...env, [binding]: wrapped };
}

describe("the queue consumer skeleton", () => {
  it("routes a deployment's suffixed queue (nooble-conversation-staging) to its service's consumer", async () => {
    expect(consumerFor("nooble-conversation-staging")).toBe(handleConversationBatch);
    expect(consumerFor("nooble-conversation")).toBe(handleConversationBatch);
    const letters = await lettersOf(() =>
      throughQueue("nooble-conversation-staging", [{ hello: "world" }]),
    );
    expect(letters).toEqual([
      expect.objectContaining({
        queue: "nooble-conversation-staging",
        reason: expect.stringMatching(/^not a valid DomainAction: /),
      }),
    ]);
  });

  it("dead-letters every message of a queue no consumer reads, with that reason, and acks them", async () => {
    let result: Awaited<ReturnType<typeof throughQueue>> | undefined;
    const letters = await lettersOf(async () => {
      result = await throughQueue("nooble-billing", [{ a: 1 }, "two"]);
    });
    expect(result).toMatchObject({ acks: 2, retries: 0 });
    expect(letters.map((l) => l.reason)).toEqual([
      "no consumer for queue nooble-billing",
      "no consumer for queue nooble-billing",
    ]);
  });

  it("dead-letters an action another queue carries, naming the service that refused it", async () => {
    const action = createDomainAction({
      action_type: "ingestion.document.process",
      tenant_id: crypto.randomUUID(),
      session_id: "job",
      task_id: "job",
      origin_service: "test",
      trace_id: "job",
      data: { job_id: "job", document_id: crypto.randomUUID() },
    });
    const letters = await lettersOf(() => throughQueue("nooble-conversation", [action]));
    expect(letters.map((l) => l.reason)).toEqual([
      'unknown action type "ingestion.document.process" for the conversation service',
    ]);
  });

  it("retries a poison message, with the consumer's backoff, when the dead-letter queue refuses it", async () => {
    const result = await throughQueue(
      "nooble-conversation",
      ["poison"],
      failing("DEAD_LETTER_QUEUE", "send"),
    );
    expect(result).toEqual({
      acks: 0,
      retries: 1,
      delays: [retryDelaySeconds(1, CONVERSATION_RETRY.backoff)],
    });
  });

  it("dead-letters an embedding batch that names another document than its job's", async () => {
    const owner = await signIn();
    const run = await ingestText(owner.token, sentences(60));
    await deliver("ingestion", take("ingestion", run.job_id));
    const [batch] = take("embedding", run.job_id);
    const forged = { ...batch, data: { ...batch?.data, document_id: crypto.randomUUID() } };
    let result: unknown;
    const letters = await lettersOf(async () => {
      result = await deliver("embedding", [forged]);
    });
    expect(result).toEqual({ acks: 1, retries: 0 });
    expect(letters).toEqual([
      expect.objectContaining({
        queue: "nooble-embedding",
        reason: "the job does not exist or belongs to another document",
      }),
    ]);
  });

  it("retries a failing ingestion stage, and on its last attempt fails the job with a reason for the owner instead of dead-lettering", async () => {
    const owner = await signIn();
    const run = await ingestText(owner.token, sentences(60));
    const [process] = take("ingestion", run.job_id);
    const storageDown = failing("DOCUMENTS", "get");
    expect(await deliver("ingestion", [process], { env: storageDown, attempts: 4 })).toEqual({
      acks: 0,
      retries: 1,
    });
    expect((await status(owner.token, run.job_id)).status).toBe("processing");
    let result: unknown;
    const letters = await lettersOf(async () => {
      result = await deliver("ingestion", [process], { env: storageDown, attempts: 5 });
    });
    expect(result).toEqual({ acks: 1, retries: 0 });
    expect(letters).toEqual([]);
    const reason = "Processing failed repeatedly. Re-index the document to try again.";
    expect(await status(owner.token, run.job_id)).toMatchObject({
      status: "error",
      stage: "failed",
      error: { code: "INTERNAL_ERROR", message: reason },
    });
    expect(await documentRows(owner.userId)).toEqual([
      expect.objectContaining({ id: run.document_id, status: "failed", error: reason }),
    ]);
  });
});

describe("sending actions", () => {
  const action = (data: Record<string, unknown>) =>
    createDomainAction({
      action_type: "embedding.batch.process",
      tenant_id: crypto.randomUUID(),
      session_id: "job",
      task_id: "job",
      origin_service: "test",
      trace_id: "job",
      data,
    });

  it("refuses an action whose payload breaks its type's schema, and sends nothing", async () => {
    await expect(sendAction(env, action({ job_id: "job" }))).rejects.toThrow(
      /^embedding\.batch\.process payload does not match its schema: document_id: /,
    );
    await expect(sendActions(env, [action({ job_id: "job", batch_index: -1 })])).rejects.toThrow(
      /payload does not match/,
    );
    await expect(
      sendAction(env, { ...action({}), action_type: "embedding.batch.delete" }),
    ).rejects.toThrow(/^no queue carries action type "embedding.batch.delete"/);
    expect(take("embedding", "job")).toEqual([]);
  });

  it("puts each action on the queue its type names, in batches of at most 100", async () => {
    // The held queue's spy (pipeline.ts) records every call: count from here.
    const sendBatch = vi.spyOn(env.EMBEDDING_QUEUE, "sendBatch");
    const earlier = sendBatch.mock.calls.length;
    const documentId = crypto.randomUUID();
    const actions = Array.from({ length: 150 }, (_, i) =>
      action({ job_id: "job", document_id: documentId, batch_index: i, batch_key: `k${i}` }),
    );
    await sendActions(env, actions);
    expect(sendBatch.mock.calls.slice(earlier).map(([m]) => [...m].length)).toEqual([100, 50]);
    expect(take("embedding", "job").map((a) => a.action_id)).toEqual(
      actions.map((a) => a.action_id),
    );
  });
});
