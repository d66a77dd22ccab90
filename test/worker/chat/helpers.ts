/**
 * Helpers for the chat runtime tests: a public agent and a started session, a WebSocket client
 * that collects the server's frames, the session's Durable Object stub, and direct access to
 * its SQLite tables for tests that stage what a dead instance left behind.
 */
import { env, exports } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, expect, vi } from "vitest";
import { z } from "zod";
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { DomainAction } from "../../../shared/actions.ts";
import type { Agent } from "../../../shared/api/agents.ts";
import type { ServerFrameType } from "../../../shared/protocol/chat.ts";
import type { Frame as AnyFrame } from "../../../shared/protocol/frame.ts";
import { BASE, api, createAgent, signIn } from "../helpers.ts";

/** A server frame as the tests read it: `data` by key, shapes checked by each test. */
export type Frame = AnyFrame<ServerFrameType, Record<string, unknown>>;

export interface ChatInit {
  session_id: string;
  session_token: string;
  status: string;
  websocket_url: string;
  agent_name: string;
}

/**
 * Chat tests stop at the conversation queue: the ChatSession's sends to it are recorded, not
 * delivered. The conversation service has its own tests (test/worker/conversations); delivering
 * here would have its consumer write to the database after a test file ends. Call at the top
 * of a file; the returned function lists what the sessions sent so far.
 */
export function recordConversationActions(): () => DomainAction[] {
  const sent: DomainAction[] = [];
  beforeAll(() => {
    vi.spyOn(env.CONVERSATION_QUEUE, "send").mockImplementation((body: unknown) => {
      sent.push(DomainActionSchema.parse(body));
      return Promise.resolve({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } });
    });
  });
  return () => [...sent];
}

/** A fresh owner with one public agent (extra fields override the agent body). */
export async function publicAgent(
  body: Record<string, unknown> = {},
): Promise<{ token: string; userId: string; agent: Agent }> {
  const owner = await signIn();
  const agent = await createAgent(owner.token, { is_public: true, ...body });
  return { token: owner.token, userId: owner.userId, agent };
}

/** POST /api/v1/chat/init with a unique client address unless headers say otherwise. */
export function initRequest(
  body: unknown,
  init: { token?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return api("/api/v1/chat/init", {
    method: "POST",
    json: body,
    headers: { "cf-connecting-ip": uniqueAddress(), ...init.headers },
    ...(init.token ? { token: init.token } : {}),
  });
}

/** A new session with `agent`. */
export async function initChat(agent: Agent): Promise<ChatInit & { agent: Agent }> {
  const res = await initRequest({ agent_id: agent.id });
  if (res.status !== 201) throw new Error(`chat/init failed: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as ChatInit), agent };
}

/** A new session with a new public agent. */
export async function startChat(
  agentBody: Record<string, unknown> = {},
): Promise<ChatInit & { agent: Agent }> {
  const { agent } = await publicAgent(agentBody);
  return initChat(agent);
}

/** A client address (cf-connecting-ip, IPv6 documentation range) no other test uses, so the chat/init limit is per test. */
export function uniqueAddress(): string {
  const hex = crypto.randomUUID().replaceAll("-", "");
  return `2001:db8:${hex.slice(0, 4)}:${hex.slice(4, 8)}:${hex.slice(8, 12)}:${hex.slice(12, 16)}::1`;
}

/** The session's Durable Object. */
export const sessionStub = (sessionId: string) =>
  env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(sessionId));

/** Runs SQL in the session's Durable Object storage (to stage or age rows) and returns the rows. */
export function sql<T extends Record<string, SqlStorageValue>>(
  sessionId: string,
  query: string,
  ...bindings: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(sessionStub(sessionId), (_instance, state) =>
    state.storage.sql.exec<T>(query, ...bindings).toArray(),
  );
}

/**
 * Stages a visitor message with a task in `status`, as an instance that died leaves it:
 * `queued` before its run began, `running` mid-answer (optionally with the chunks it had
 * written, in batches of `batch` chunks, one row each; or a row per chunk in the table sessions
 * used before chunk batches, with `chunkRows`). Returns the task id.
 */
export async function stageTask(
  sessionId: string,
  opts: {
    status: "queued" | "running";
    attempt?: number;
    chunks?: string[];
    batch?: number;
    chunkRows?: boolean;
    content?: string;
  },
): Promise<string> {
  const taskId = crypto.randomUUID();
  const messageId = crypto.randomUUID();
  const createdAt = Date.now();
  await runInDurableObject(sessionStub(sessionId), (_instance, state) => {
    const db = state.storage.sql;
    const seq = db
      .exec<{ next: number }>("select coalesce(max(seq), -1) + 1 as next from messages")
      .one().next;
    db.exec(
      "insert into messages (id, seq, role, content, task_id, created_at, metadata) values (?, ?, 'user', ?, ?, ?, ?)",
      messageId,
      seq,
      opts.content ?? "What do you offer?",
      taskId,
      createdAt,
      JSON.stringify({ task_id: taskId, mode: "simple" }),
    );
    db.exec(
      "insert into tasks (id, user_message_id, mode, status, attempt, created_at, updated_at) values (?, ?, 'simple', ?, ?, ?, ?)",
      taskId,
      messageId,
      opts.status,
      opts.attempt ?? 0,
      createdAt,
      createdAt,
    );
    const chunks = opts.chunks ?? [];
    if (opts.chunkRows) {
      chunks.forEach((c, i) =>
        db.exec("insert into chunks (task_id, idx, content) values (?, ?, ?)", taskId, i, c),
      );
      return;
    }
    const size = opts.batch ?? Math.max(1, chunks.length);
    for (let first = 0; first < chunks.length; first += size) {
      const part = chunks.slice(first, first + size);
      db.exec(
        "insert into chunk_batches (task_id, first_idx, last_idx, contents) values (?, ?, ?, ?)",
        taskId,
        first,
        first + part.length - 1,
        JSON.stringify(part),
      );
    }
  });
  return taskId;
}

/**
 * The chunks the session stored for a task, in order, read from its batch rows (each row's
 * indices must follow the previous row's: a gap or an overlap fails the test).
 */
export async function storedChunks(sessionId: string, taskId: string): Promise<string[]> {
  const rows = await sql<{ first_idx: number; last_idx: number; contents: string }>(
    sessionId,
    "select first_idx, last_idx, contents from chunk_batches where task_id = ? order by first_idx",
    taskId,
  );
  const chunks: string[] = [];
  for (const row of rows) {
    const contents = z.array(z.string()).parse(JSON.parse(row.contents));
    expect([row.first_idx, row.last_idx]).toEqual([
      chunks.length,
      chunks.length + contents.length - 1,
    ]);
    chunks.push(...contents);
  }
  return chunks;
}

/** Opens the session's chat WebSocket through the Worker; `res` is the upgrade answer. */
export async function connect(
  sessionId: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<{ res: Response; socket: ChatSocket | null }> {
  const url = `${BASE}/ws/chat/${sessionId}${token === null ? "" : `?token=${encodeURIComponent(token)}`}`;
  const res = await exports.default.fetch(
    new Request(url, { headers: { upgrade: "websocket", ...headers } }),
  );
  const ws = res.webSocket;
  if (!ws) return { res, socket: null };
  ws.accept();
  return { res, socket: new ChatSocket(ws) };
}

/** Opens a socket that must succeed, and waits for its connection_ack. */
export async function openSocket(chat: {
  session_id: string;
  session_token: string;
}): Promise<ChatSocket> {
  const { res, socket } = await connect(chat.session_id, chat.session_token);
  if (!socket) throw new Error(`WebSocket upgrade refused: ${res.status} ${await res.text()}`);
  await socket.next("connection_ack");
  return socket;
}

/** Collects a socket's frames and waits for the ones a test expects. */
export class ChatSocket {
  readonly frames: Frame[] = [];
  readonly raw: unknown[] = [];
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private readonly ws: WebSocket;

  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (ev) => {
      const parsed: unknown = JSON.parse(String(ev.data));
      this.raw.push(parsed);
      // Not parsed against the envelope: the bare keep-alive pong has none, and tests check shapes themselves.
      const f = parsed as Frame;
      this.frames.push(f);
      for (const w of [...this.waiters]) {
        if (!w.match(f)) continue;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(f);
      }
    });
  }

  send(frame: unknown): void {
    this.ws.send(
      typeof frame === "string" || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame),
    );
  }

  /** The first frame at or after `from` of `type` (or one of several types) matching `match`, received or coming. */
  next(
    type: Frame["message_type"] | Frame["message_type"][],
    match: (f: Frame) => boolean = () => true,
    from = 0,
    timeoutMs = 10_000,
  ): Promise<Frame> {
    const types = Array.isArray(type) ? type : [type];
    const test = (f: Frame) => types.includes(f.message_type) && match(f);
    const seen = this.frames.slice(from).find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match: test,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `no ${types.join("/")} frame; got ${this.frames.map((f) => `${f.message_type}${f.message_type === "error" || f.message_type === "chat_error" ? `(${String(f.data["code"])})` : ""}`).join(", ")}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends `frame` and returns the first frame of `type` the server sends after it. */
  async reply(frame: unknown, type: Frame["message_type"]): Promise<Frame> {
    const from = this.frames.length;
    this.send(frame);
    return this.next(type, () => true, from);
  }

  ofType(type: Frame["message_type"], taskId?: string): Frame[] {
    return this.frames.filter(
      (f) => f.message_type === type && (taskId === undefined || f.task_id === taskId),
    );
  }

  /** The chat_streaming frames of a task, in arrival order. */
  chunks(taskId: string): { index: number; content: string; final: boolean; attempt: number }[] {
    return this.ofType("chat_streaming", taskId).map((f) => ({
      index: Number(f.data["chunk_index"]),
      content: String(f.data["content"]),
      final: f.data["is_final"] === true,
      attempt: Number(f.data["attempt"]),
    }));
  }

  /** Calls `listener` with the close code when the server closes the socket. */
  onClose(listener: (code: number) => void): void {
    this.ws.addEventListener("close", (ev) => listener(ev.code));
  }

  close(): void {
    try {
      this.ws.close(1000, "test done");
    } catch {
      // already closed by the server
    }
  }
}

/** Sends a chat message and waits for its whole answer; returns the task id and the response frame. */
export async function ask(
  socket: ChatSocket,
  content: string,
): Promise<{ taskId: string; response: Frame }> {
  const from = socket.frames.length;
  socket.send({ message_type: "chat_message", data: { content } });
  const processing = await socket.next("chat_processing", () => true, from);
  const taskId = String(processing.task_id);
  const response = await socket.next("chat_response", (f) => f.task_id === taskId, from);
  return { taskId, response };
}

/** Asserts the standard WebSocket error frame with `code` and returns it. */
export function expectErrorFrame(f: Frame, code: string): Frame {
  expect(f.message_type).toBe("error");
  expect(f.data["code"]).toBe(code);
  expect(String(f.data["message"]).length).toBeGreaterThan(10);
  return f;
}
