/**
 * The product's Worker with billing counters, for bench:chat's cost model: the same entry
 * (workers/index.ts) and the same Durable Object classes, each wrapped so that the things
 * Cloudflare bills are counted as they happen in the run, not read off the code:
 *
 * - Worker invocations: fetch (by kind of path) and queue batches;
 * - Durable Object requests: every call on a stub (fetch or RPC, counted where it is made),
 *   WebSocket messages received and alarms (counted in the object's handlers);
 * - queue operations: messages written (send/sendBatch, delayed or not), delivered to the
 *   consumer (read), acknowledged (delete) and retried (another read);
 * - SQLite rows read and written by every `ctx.storage.sql.exec` (the cursor's own counters,
 *   which is what Cloudflare bills), and alarm writes.
 *
 * Counters live in this module, which the Worker and its objects share (one isolate under
 * workerd). `GET /api/__bench/counts` (under /api/, which the static assets leave to the
 * Worker) answers them as JSON; every other request goes to the product's handler. The bench
 * starts this entry in place of workers/index.ts (wrangler's `entrypoint` override), so its CPU
 * figures include the counters: an increment per event, a proxy per stub and queue call, one
 * microtask per burst of SQL statements (BENCH_CHAT_COUNT=0 measures without them).
 */
import type { DurableObject } from "cloudflare:workers";
import product, { ChatSession, IngestionJob, KnowledgeBase } from "../../workers/index.ts";
import type { WorkerEnv } from "../../workers/env.ts";

const counts: Record<string, number> = {};
const count = (key: string, n = 1) => void (counts[key] = (counts[key] ?? 0) + n);

/**
 * What-if experiments (the BENCH_WHATIF var, comma-separated), to price a proposed change
 * before making it in code the bench does not own:
 * - `no-kb-probe`: the KnowledgeBase is not asked for its collection info each turn (as if the
 *   agent snapshot said the agent has no documents; the bench's agent has none).
 * (`chunks-one-row` became the ChatSession's chunk storage: one row per written batch.)
 */
type WhatIf = "no-kb-probe";
let whatIf = new Set<WhatIf>();

/** Wraps a queue producer so each message written is counted under the queue's binding name. */
function countingQueue(name: string, queue: Queue): Queue {
  return new Proxy(queue, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop === "send") count(`queue.write.${name}`);
        if (prop === "sendBatch") count(`queue.write.${name}`, [...(args[0] as unknown[])].length);
        return Reflect.apply(value, target, args);
      };
    },
  });
}

const QUEUE_BINDINGS = [
  "CONVERSATION_QUEUE",
  "INGESTION_QUEUE",
  "EMBEDDING_QUEUE",
  "DEAD_LETTER_QUEUE",
] as const;

/**
 * A stub whose every call (fetch or an RPC method) is counted: each is one billed request to
 * the object. Counted where it is made, so an object's calls to its own methods are not.
 */
function countingStub<T extends object>(name: string, stub: T): T {
  return new Proxy(stub, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function" || typeof prop !== "string") return value;
      if (name === "KnowledgeBase" && prop === "collectionInfo" && whatIf.has("no-kb-probe"))
        return () => Promise.resolve(null);
      return (...args: unknown[]) => {
        count(`do.request.${name}.${prop}`);
        return Reflect.apply(value, target, args);
      };
    },
  });
}

function countingNamespace<T extends DurableObjectNamespace>(name: string, ns: T): T {
  return new Proxy(ns, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      if (prop === "get" || prop === "getByName")
        return (...args: unknown[]) =>
          countingStub(name, Reflect.apply(value, target, args) as object);
      return (...args: unknown[]) => Reflect.apply(value, target, args);
    },
  });
}

/** One wrapped env per env the runtime hands over (the same object for every request). */
const wrappedEnvs = new WeakMap<WorkerEnv, WorkerEnv>();

function countingEnv(env: WorkerEnv): WorkerEnv {
  const known = wrappedEnvs.get(env);
  if (known) return known;
  const wrapped: WorkerEnv = { ...env };
  wrappedEnvs.set(env, wrapped);
  const asked: unknown = Reflect.get(env, "BENCH_WHATIF");
  whatIf = new Set((typeof asked === "string" ? asked : "").split(",").filter(Boolean) as WhatIf[]);
  for (const name of QUEUE_BINDINGS) wrapped[name] = countingQueue(name, env[name]);
  wrapped.CHAT_SESSION = countingNamespace("ChatSession", env.CHAT_SESSION);
  wrapped.INGESTION_JOB = countingNamespace("IngestionJob", env.INGESTION_JOB);
  wrapped.KNOWLEDGE_BASE = countingNamespace("KnowledgeBase", env.KNOWLEDGE_BASE);
  return wrapped;
}

/**
 * Cursors of statements run since the last drain. The store consumes each cursor at once
 * (toArray/one/raw), so its row counters are final by the next microtask: one drain per burst
 * of statements rather than one per statement keeps the counting's own cost out of the figures.
 */
const pendingCursors: { cls: string; cursor: SqlStorageCursor<Record<string, SqlStorageValue>> }[] =
  [];
function drainCursors(): void {
  for (const { cls, cursor } of pendingCursors.splice(0)) {
    count(`do.sql.rows_read.${cls}`, cursor.rowsRead);
    count(`do.sql.rows_written.${cls}`, cursor.rowsWritten);
  }
}

/** Counts statements, rows read and rows written of this object's SQLite database, and alarm writes. */
function countSql(cls: string, storage: DurableObjectStorage): void {
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = ((query: string, ...bindings: unknown[]) => {
    const cursor = exec(query, ...bindings);
    count(`do.sql.statements.${cls}`);
    if (pendingCursors.push({ cls, cursor }) === 1) queueMicrotask(drainCursors);
    return cursor;
  }) as typeof sql.exec;
  const setAlarm = storage.setAlarm.bind(storage);
  storage.setAlarm = (time, options) => (count(`do.alarm_set.${cls}`), setAlarm(time, options));
}

type DurableObjectClass = new (ctx: DurableObjectState, env: WorkerEnv) => DurableObject<WorkerEnv>;
/** What the runtime calls on an object by itself (not through a stub): billed as requests, WebSocket messages at 20:1. */
const HANDLERS = ["webSocketMessage", "webSocketClose", "webSocketError", "alarm"] as const;

/** A subclass of a product object with its storage, its handlers and its env counted. */
function counted(cls: string, Base: DurableObjectClass): DurableObjectClass {
  const Counted = class extends Base {
    constructor(ctx: DurableObjectState, env: WorkerEnv) {
      count(`do.instances.${cls}`);
      countSql(cls, ctx.storage);
      super(ctx, countingEnv(env));
    }
  };
  for (const name of HANDLERS) {
    const original: unknown = Reflect.get(Base.prototype, name);
    if (typeof original !== "function") continue;
    Object.defineProperty(Counted.prototype, name, {
      value(this: unknown, ...args: unknown[]) {
        count(`do.handler.${cls}.${name}`);
        return Reflect.apply(original, this, args);
      },
      writable: true,
      configurable: true,
    });
  }
  return Counted;
}

const CountedChatSession = counted("ChatSession", ChatSession);
const CountedIngestionJob = counted("IngestionJob", IngestionJob);
const CountedKnowledgeBase = counted("KnowledgeBase", KnowledgeBase);
export {
  CountedChatSession as ChatSession,
  CountedIngestionJob as IngestionJob,
  CountedKnowledgeBase as KnowledgeBase,
};

const pathKind = (path: string) =>
  path.startsWith("/ws/") ? "websocket" : path.replace(/\/[0-9a-f-]{36}(?=\/|$)/g, "/:id");

export default {
  fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === "/api/__bench/counts") return Response.json(counts);
    count(`worker.fetch.${pathKind(path)}`);
    return product.fetch(request, countingEnv(env), ctx);
  },
  queue(batch, env, ctx) {
    count(`worker.queue.${batch.queue}`);
    count(`queue.read.${batch.queue}`, batch.messages.length);
    for (const msg of batch.messages) {
      const ack = msg.ack.bind(msg);
      const retry = msg.retry.bind(msg);
      msg.ack = () => (count(`queue.ack.${batch.queue}`), ack());
      msg.retry = (options) => (count(`queue.retry.${batch.queue}`), retry(options));
    }
    return product.queue(batch, countingEnv(env), ctx);
  },
} satisfies ExportedHandler<WorkerEnv>;
