/**
 * ChatSession: one per chat session. One instance owns the session's WebSockets (hibernatable,
 * several tabs), its SQLite storage (the agent snapshot taken at chat/init, the history, the
 * tasks, one at a time, and each task's streamed chunks, so a reconnecting client resumes
 * without a second LLM call), and its alarm. The class keeps sockets, storage and the alarm and
 * delegates the rest to modules beside it: the turn run (chat-session.run.ts), the relay and
 * resume (chat-session.relay.ts), the outbox to the conversation queue
 * (chat-session.outbox.ts), chunk batching (chat-session.stream.ts) and socket cursors
 * (chat-session.socket.ts).
 *
 * A turn: a visitor message is stored with its task, and the answer starts at once, in this
 * object, in the same event that received the message: no queue hop and no alarm stands between
 * the message and the LLM request. Each delta is relayed the moment it arrives and kept in
 * memory; chunks are written in batches.
 *
 * The alarm is the turn's one watchdog: while a task is active it fires every RUN_WATCHDOG_MS
 * and restarts a run that is no longer alive here (eviction, crash, a run that died before it
 * began) as a new attempt whose chunks replace the old attempt's. Why not a queue (the original
 * design, and a per-turn `execution.chat.*` ledger after it): a local queue delivery cost
 * hundreds of milliseconds under load, far over the 30 ms budget for the time to first token,
 * and the ledger only repeated what the alarm already does.
 */
import { DurableObject } from "cloudflare:workers";
import type { VisitorInfo } from "../../shared/conversation.ts";
import { errorResponse } from "../../workers/errors.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import { ClientFrameSchema } from "../../shared/protocol/chat.ts";
import type { ExecutionMode } from "../../shared/protocol/chat.ts";
import type { AgentSnapshot } from "../../workers/chat/agent-snapshot.ts";
import { chatLimits } from "../../workers/chat/limits.ts";
import type { ChatLimits } from "../../workers/chat/limits.ts";
import { checkChatMessage } from "../../workers/chat/message-check.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { createLogger } from "../../workers/log.ts";
import type { Logger } from "../../workers/log.ts";
import { ChatSessionOutbox } from "./chat-session.outbox.ts";
import { ChatSessionRelay } from "./chat-session.relay.ts";
import { ChatSessionRun } from "./chat-session.run.ts";
import { ToolError } from "../../workers/agent/tools/types.ts";
import { ChatSessionStore } from "./chat-session.sql.ts";
import type { SessionRow } from "./chat-session.sql.ts";

const OUTBOX_RETRY_MS = 2_000;
const MAX_FRAME_BYTES = 64 * 1024;
/**
 * While a task is active, the alarm checks this often that its run is still alive in this
 * instance, and restarts it if not: how long a visitor waits after an eviction mid-answer.
 */
export const RUN_WATCHDOG_MS = 5_000;

export type SubmitResult =
  | { ok: true; task_id: string }
  | { ok: false; code: ErrorCode; message: string; status: 400 | 404 | 409 | 410 | 413 | 429 };

export interface SessionStatus {
  session_id: string;
  is_active: boolean;
  message_count: number;
  last_activity: string | null;
  active_task_id: string | null;
}

export class ChatSession extends DurableObject<WorkerEnv> {
  private readonly store: ChatSessionStore;
  private readonly limits: ChatLimits;
  private readonly log: Logger;
  private readonly outbox: ChatSessionOutbox;
  private readonly relay: ChatSessionRelay;
  private readonly runner: ChatSessionRun;
  /**
   * The alarm time this instance last set (null: none), or undefined until read from storage.
   * Each setAlarm is a billed storage write: one that would not change the time is skipped.
   */
  private alarmAt: number | null | undefined = undefined;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    this.store = new ChatSessionStore(ctx.storage.sql);
    this.limits = chatLimits(env);
    this.log = createLogger({ component: "chat-session" });
    this.outbox = new ChatSessionOutbox(this.store, env, this.log);
    this.relay = new ChatSessionRelay(ctx, this.store, (id) => this.runner.liveFor(id));
    this.runner = new ChatSessionRun({
      env,
      store: this.store,
      limits: this.limits,
      log: this.log,
      relay: this.relay,
      outbox: this.outbox,
      waitUntil: (done) => ctx.waitUntil(done),
      settled: async () => {
        await this.outbox.flush();
        await this.scheduleAlarm();
      },
      saveContact: async () => {
        throw new ToolError("Collecting contact details is not available on this server yet.");
      },
    });
    // Bare keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair('{"message_type":"ping"}', '{"message_type":"pong"}'),
    );
  }

  // ---- RPC: called by the Worker's chat routes ----

  /**
   * Creates the session (idempotent: a second call with the same id changes nothing) and, with
   * `initial_message`, submits it as the first turn at once. That turn's frames wait for the
   * first socket (`relay.connected`), which gets them after its connection_ack as if it had
   * sent the message itself.
   */
  async initialize(input: {
    session_id: string;
    agent: AgentSnapshot;
    visitor: VisitorInfo;
    conversation_id: string;
    initial_message?: string | undefined;
  }): Promise<SubmitResult | { ok: true; task_id: null }> {
    const { initial_message: initialMessage, ...session } = input;
    const created = this.store.createSession({ ...session, now: Date.now() });
    if (!created || initialMessage === undefined) {
      await this.scheduleAlarm();
      return { ok: true, task_id: this.store.initialTask()?.task_id ?? null };
    }
    const result = await this.submit(initialMessage);
    if (result.ok) this.store.setInitialTask(result.task_id);
    return result;
  }

  async status(): Promise<SessionStatus | null> {
    const session = this.store.getSession();
    if (!session) return null;
    return {
      session_id: session.session_id,
      is_active: session.ended_at === null,
      message_count: this.store.messageCount(),
      last_activity: new Date(session.last_activity_at).toISOString(),
      active_task_id: this.store.activeTask()?.id ?? null,
    };
  }

  /**
   * A visitor message: stored, and its answer started. One task at a time per session. The turn
   * runs in the agent's execution mode unless the client names one (an `advanced` request to
   * an agent whose owner did not switch advanced mode on fails with MODE_UNAVAILABLE).
   */
  async submit(content: string, requested?: ExecutionMode): Promise<SubmitResult> {
    const session = this.store.getSession();
    if (!session)
      return {
        ok: false,
        code: "SESSION_NOT_FOUND",
        message: "This chat session does not exist.",
        status: 404,
      };
    if (session.ended_at !== null)
      return {
        ok: false,
        code: "SESSION_ENDED",
        message: "This chat session has ended. Start a new chat.",
        status: 410,
      };
    const checked = checkChatMessage(content, this.limits.maxMessageChars);
    if (!checked.ok) return checked;
    if (this.store.activeTask()) {
      return {
        ok: false,
        code: "TASK_IN_PROGRESS",
        message: "Wait for the current answer to finish before sending another message.",
        status: 409,
      };
    }
    const now = Date.now();
    if (this.store.messagesThisMinute(now) >= this.limits.messagesPerMinute) {
      return {
        ok: false,
        code: "RATE_LIMITED",
        message: `Too many messages: at most ${this.limits.messagesPerMinute} a minute. Wait a moment and send again.`,
        status: 429,
      };
    }
    this.store.countMessage(now);
    const mode = requested ?? session.agent.execution_config.mode;
    const taskId = crypto.randomUUID();
    const userMessage = this.store.insertMessage({
      id: crypto.randomUUID(),
      role: "user",
      content: checked.text,
      task_id: taskId,
      created_at: now,
      metadata: { task_id: taskId, mode },
    });
    this.store.insertTask({ id: taskId, user_message_id: userMessage.id, mode, now });
    this.store.touch(now);
    // The turn reaches the CRM when it ends (both messages, or the visitor's alone if it fails):
    // one conversation action per turn, not a second one at the start competing with the answer.
    this.relay.taskStarted(session, taskId, mode, 1);
    // The answer starts now. Its first storage writes (status, attempt) join this turn's, so one
    // commit covers the message, the task and the watchdog alarm; the LLM request leaves once
    // it is durable.
    const task = this.store.getTask(taskId);
    if (task) this.runner.start(session, task);
    await this.scheduleAlarm();
    return { ok: true, task_id: taskId };
  }

  /** Ends the session: sockets closed, the conversation marked ended. */
  async end(reason: "deleted" | "idle" | "expired"): Promise<boolean> {
    const session = this.store.getSession();
    if (!session) return false;
    if (session.ended_at === null) {
      const now = Date.now();
      this.store.endSession(now, reason);
      // Nobody can receive an answer any more: a task not yet answered ends with the session,
      // so a later alarm does not spend an LLM call on it.
      const active = this.store.activeTask();
      if (active) {
        this.store.setTaskStatus(active.id, "failed", now, {
          error: {
            code: "SESSION_ENDED",
            message: "This chat session has ended.",
            retry_possible: false,
          },
        });
        const question = this.store.getMessage(active.user_message_id);
        if (question) this.outbox.persistTurn(session, [question], active.id);
      }
      this.outbox.sessionEnded(session, now, reason);
      this.relay.closeAll("session ended");
      await this.outbox.flush();
      await this.scheduleAlarm();
    }
    return true;
  }

  // ---- WebSockets ----

  /** Only upgrades: the Worker has already checked the session token and the Origin. */
  override async fetch(request: Request): Promise<Response> {
    const refuse = (code: ErrorCode, status: number, message: string) =>
      errorResponse(request, status, code, message);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return refuse("VALIDATION_FAILED", 426, "Expected a WebSocket upgrade.");
    const session = this.store.getSession();
    if (!session) return refuse("SESSION_NOT_FOUND", 404, "This chat session does not exist.");
    if (session.ended_at !== null)
      return refuse("SESSION_ENDED", 410, "This chat session has ended. Start a new chat.");

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    this.relay.connected(server, session);
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = this.store.getSession();
    if (!session) return;
    const reject = (code: ErrorCode, text: string) =>
      this.relay.send(ws, session, "error", { code, message: text });
    if (typeof message !== "string")
      return reject("INVALID_FRAME", "Send JSON text frames, not binary.");
    if (message.length > MAX_FRAME_BYTES)
      return reject("INVALID_FRAME", `Frames can be at most ${MAX_FRAME_BYTES / 1024} KB.`);
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      return reject("INVALID_FRAME", "The frame is not valid JSON.");
    }
    const parsed = ClientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const kind =
        typeof raw === "object" && raw !== null && "message_type" in raw
          ? String(raw.message_type)
          : "unknown";
      return reject(
        "INVALID_FRAME",
        `Unsupported or malformed frame (${kind.slice(0, 40)}). Expected chat_message {content}, ping or resume {task_id, last_chunk_index}.`,
      );
    }
    const f = parsed.data;
    if ("type" in f) return this.submitFromSocket(ws, session, f.content, f.execution_mode);
    switch (f.message_type) {
      case "chat_message":
        return this.submitFromSocket(ws, session, f.data.content, f.data.execution_mode);
      case "ping":
        return this.relay.send(ws, session, "pong", {});
      case "resume":
        return this.relay.resume(
          ws,
          session,
          f.data.task_id,
          f.data.last_chunk_index,
          f.data.attempt,
          f.data.last_step ?? -1,
        );
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.relay.disconnected(ws);
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // the runtime already completed the close handshake
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.relay.disconnected(ws);
  }

  // ---- Alarm: the run watchdog, idle end, outbox retries ----

  override async alarm(): Promise<void> {
    // A fired alarm is cleared by the runtime unless this handler sets another.
    this.alarmAt = null;
    await this.outbox.flush();
    const session = this.store.getSession();
    if (!session) return;
    const now = Date.now();
    const task = this.store.activeTask();
    if (task && !this.runner.isRunning(task.id)) {
      // Active but not running here: its run died with an earlier instance (crash, eviction),
      // or before it began. A task that never began for the stall time is given up on.
      if (task.status === "queued" && now - task.created_at >= this.limits.taskStallMs) {
        this.runner.fail(session, task, {
          code: "TASK_STALLED",
          message: "The answer did not start in time. Send your message again.",
          retry_possible: true,
        });
      } else {
        this.runner.start(session, task);
      }
    } else if (
      !task &&
      session.ended_at === null &&
      now - session.last_activity_at >= this.limits.idleMs
    ) {
      await this.end("idle");
    }
    await this.outbox.flush();
    await this.scheduleAlarm();
  }

  // ---- private helpers ----

  private async submitFromSocket(
    ws: WebSocket,
    session: SessionRow,
    content: string,
    mode: ExecutionMode | undefined,
  ): Promise<void> {
    const result = await this.submit(content, mode);
    if (!result.ok)
      this.relay.send(ws, session, "error", { code: result.code, message: result.message });
  }

  /** One alarm serves every deadline: the run watchdog, outbox retries, idle end. */
  private async scheduleAlarm(): Promise<void> {
    const session = this.store.getSession();
    if (!session) return;
    const now = Date.now();
    const deadlines: number[] = [];
    const task = this.store.activeTask();
    // A run alive here is checked on later; one that is not is (re)started at once.
    if (task) deadlines.push(this.runner.isRunning(task.id) ? now + RUN_WATCHDOG_MS : now);
    if (this.outbox.pending()) deadlines.push(now + OUTBOX_RETRY_MS);
    if (!task && session.ended_at === null)
      deadlines.push(session.last_activity_at + this.limits.idleMs);
    const next = deadlines.length === 0 ? null : Math.min(...deadlines);
    if (this.alarmAt === undefined) {
      const stored = await this.ctx.storage.getAlarm();
      if (this.alarmAt === undefined) this.alarmAt = stored; // unless a concurrent call set it
    }
    if (next === this.alarmAt) return;
    // Recorded before the write: writes apply in the order issued, so the last call's time is
    // the one that holds even when a run's `settled` and a message's submit interleave here.
    this.alarmAt = next;
    try {
      if (next === null) await this.ctx.storage.deleteAlarm();
      else await this.ctx.storage.setAlarm(next);
    } catch (err) {
      this.alarmAt = undefined; // unknown again: read it back next time
      throw err;
    }
  }
}
