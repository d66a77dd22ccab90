/**
 * ChatSession: one per chat session. It owns the session's WebSockets (hibernatable, several
 * tabs), the agent snapshot taken at chat/init, the history, the tasks (one at a time) and
 * each task's streamed chunks, so a reconnecting client resumes without a second LLM call.
 *
 * A turn: a visitor message is stored with its task, and the answer starts at once, in this
 * object, in the same event that received the message (`startRun`): no queue hop and no
 * alarm stands between the message and the LLM request. Each delta is relayed the moment it
 * arrives and kept in memory; chunks are written in batches (chat-session.stream.ts).
 *
 * `execution.chat.*` is still queued (through the outbox, in the same transaction as the
 * task) and is the turn's durable ledger: the execution consumer hands it back by RPC
 * (`acceptTask`), which is a no-op for a task this instance is running or has finished, and
 * restarts a task whose run died with a previous instance. The alarm is the second watchdog:
 * while a task runs it fires every RUN_WATCHDOG_MS and restarts a run that is no longer
 * alive here (eviction, crash), as a new attempt whose chunks replace the old attempt's.
 * Why not wait for the queue (the original design): a local queue delivery plus an alarm
 * cost hundreds of milliseconds under load, far over the 30 ms budget for the time to first
 * token, and running here keeps turns of different sessions independent (a consumer batch
 * would hold unrelated turns hostage to the slowest).
 * Queue sends go through an outbox in storage, so nothing is lost when a send fails.
 */
import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { DomainActionSchema, createDomainAction } from "../../shared/actions.ts";
import type { DomainAction } from "../../shared/actions.ts";
import { CONVERSATION_ACTIONS } from "../../shared/conversation.ts";
import type {
  MessageCreateData,
  PersistedMessage,
  SessionEndData,
  VisitorInfo,
} from "../../shared/conversation.ts";
import { ClientFrameSchema } from "../../shared/protocol/chat.ts";
import type { ExecutionMode } from "../../shared/protocol/chat.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import type { AgentSnapshot } from "../../workers/chat/agent-snapshot.ts";
import { chatLimits } from "../../workers/chat/limits.ts";
import { checkChatMessage } from "../../workers/chat/message-check.ts";
import type { ChatLimits } from "../../workers/chat/limits.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import { createLogger } from "../../workers/log.ts";
import type { Logger } from "../../workers/log.ts";
import { runChatTask, toChatTaskError } from "../../workers/chat/run-chat-task.ts";
import { retrieveForTurn } from "../../workers/chat/retrieve.ts";
import type { ChatTaskResult } from "../../workers/chat/run-chat-task.ts";
import { ChatSessionStore } from "./chat-session.sql.ts";
import type { MessageRow, SessionRow, TaskRow } from "./chat-session.sql.ts";
import { SocketCursors, frame, sendSafely } from "./chat-session.socket.ts";
import { LiveStream } from "./chat-session.stream.ts";

/** Attempts of one task across crashes and provider failures before it fails for good. */
const MAX_TASK_ATTEMPTS = 5;
const OUTBOX_RETRY_MS = 2_000;
const HISTORY_LIMIT = 200;
const MAX_FRAME_BYTES = 64 * 1024;
/**
 * While a task runs, the alarm checks this often that its run is still alive in this
 * instance, and restarts it if not: how long a visitor waits after an eviction mid-answer.
 */
export const RUN_WATCHDOG_MS = 5_000;
/**
 * The turn's `execution.chat.*` action is queued at once (the durable record) but delivered this
 * much later: it checks on a turn already under way, and its delivery (queue, consumer, RPC)
 * would otherwise compete with the first tokens of every other session for the same CPU.
 */
export const EXECUTION_CHECK_DELAY_S = 2;
/**
 * A turn's outbox (the execution action, the visitor message for the CRM) is sent this long
 * after the turn starts, not in the same event: deleting the sent rows is a storage write, and
 * every frame sent after a write waits for its commit, so sending at once put a second commit
 * in front of the first chunk. The rows are already durable; the run's watchdog alarm sends
 * them if this instance dies first.
 */
const OUTBOX_SEND_AFTER_MS = 100;

export type SubmitResult =
  | { ok: true; task_id: string }
  | { ok: false; code: ErrorCode; message: string; status: 400 | 404 | 409 | 410 | 413 | 429 };

/**
 * What a delivery of `execution.chat.*` did: started a task not yet running, restarted one whose
 * run died with an earlier instance, nothing for a task running here or finished, or nothing
 * for a task this session does not know.
 */
export type AcceptResult = "started" | "restarted" | "duplicate" | "finished" | "unknown";

export interface SessionStatus {
  session_id: string;
  is_active: boolean;
  message_count: number;
  last_activity: string | null;
  active_task_id: string | null;
}

const OutboxItemSchema = z.object({
  queue: z.enum(["execution", "conversation"]),
  action: DomainActionSchema,
  delay_seconds: z.number().int().min(0).optional(),
});
type OutboxItem = z.infer<typeof OutboxItemSchema>;

export class ChatSession extends DurableObject<WorkerEnv> {
  private readonly store: ChatSessionStore;
  private readonly limits: ChatLimits;
  private readonly cursors = new SocketCursors();
  private log: Logger;
  /** The task whose answer runs in this instance (one at a time per session), until it ends. */
  private run: { taskId: string; done: Promise<void> } | null = null;
  /** The attempt of that task streaming now: its chunks, in memory. */
  private live: LiveStream | null = null;
  private flushing: Promise<void> | null = null;
  private outboxTimer: ReturnType<typeof setTimeout> | null = null;
  /** This instance's sockets, read from the runtime once and again only after a socket comes or goes. */
  private socketList: WebSocket[] | null = null;

  constructor(ctx: DurableObjectState, env: WorkerEnv) {
    super(ctx, env);
    this.store = new ChatSessionStore(ctx.storage.sql);
    this.limits = chatLimits(env);
    this.log = createLogger({ component: "chat-session" });
    // Bare keep-alive pings are answered without waking the object.
    ctx.setWebSocketAutoResponse(
      new WebSocketRequestResponsePair('{"message_type":"ping"}', '{"message_type":"pong"}'),
    );
  }

  // ---- RPC: called by the Worker's chat routes and the execution consumer ----

  /**
   * Creates the session (idempotent: a second call with the same id changes nothing) and, with
   * `initial_message`, submits it as the first turn at once. That turn's frames wait for the
   * first socket (see `fetch`), which gets them after its connection_ack as if it had sent the
   * message itself.
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
    const result = await this.submit(initialMessage, "simple");
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

  /** A visitor message: stored, and its answer queued. One task at a time per session. */
  async submit(content: string, mode: ExecutionMode): Promise<SubmitResult> {
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
    const text = checked.text;
    const active = this.store.activeTask();
    if (active) {
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
    const taskId = crypto.randomUUID();
    const userMessage = this.store.insertMessage({
      id: crypto.randomUUID(),
      role: "user",
      content: text,
      task_id: taskId,
      created_at: now,
      metadata: { task_id: taskId, mode },
    });
    this.store.insertTask({ id: taskId, user_message_id: userMessage.id, mode, now });
    this.store.touch(now);
    const agent = session.agent;
    this.enqueue({
      queue: "execution",
      delay_seconds: EXECUTION_CHECK_DELAY_S,
      action: createDomainAction({
        action_type: mode === "advanced" ? "execution.chat.advance" : "execution.chat.simple",
        tenant_id: agent.tenant_id,
        session_id: session.session_id,
        task_id: taskId,
        agent_id: agent.id,
        origin_service: "chat-session",
        trace_id: taskId,
        execution_config: agent.execution_config,
        query_config: agent.query_config,
        data: { user_message_id: userMessage.id },
      }),
    });
    // The turn reaches the CRM when it ends (both messages, or the visitor's alone if it fails):
    // one conversation action per turn, not a second one at the start competing with the answer.
    this.broadcastTaskStart(session, taskId, mode, 1);
    // The answer starts now, not when the queued action comes back (see the class header). Its
    // first storage writes (status, attempt) join this turn's, so one commit covers the message,
    // the task, the outbox and the watchdog alarm; the LLM request leaves once it is durable.
    const task = this.store.getTask(taskId);
    if (task) this.startRun(session, task);
    await this.scheduleAlarm({ outboxSent: true });
    this.sendOutboxSoon();
    return { ok: true, task_id: taskId };
  }

  /**
   * The execution consumer hands a queued action back (the durable ledger of the turn). The
   * answer normally started when the message arrived, so this is a no-op for a task running in
   * this instance or finished; a task not started yet starts, and one marked running whose run
   * is not alive here (it died with an earlier instance) restarts as a new attempt.
   */
  async acceptTask(action: DomainAction): Promise<AcceptResult> {
    const task = this.store.getTask(action.task_id);
    if (!task) return "unknown";
    if (task.status === "completed" || task.status === "failed") return "finished";
    if (this.run?.taskId === task.id) return "duplicate";
    const session = this.store.getSession();
    if (!session) return "unknown";
    this.startRun(session, task);
    await this.scheduleAlarm();
    return task.status === "running" ? "restarted" : "started";
  }

  /** Ends the session: sockets closed, the conversation marked ended. */
  async end(reason: "deleted" | "idle" | "expired"): Promise<boolean> {
    const session = this.store.getSession();
    if (!session) return false;
    if (session.ended_at === null) {
      const now = Date.now();
      this.store.endSession(now, reason);
      // Nobody can receive an answer any more: a task not yet answered ends with the session,
      // so a late execution delivery does not spend an LLM call on it.
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
        if (question) this.enqueuePersist(session, [question], active.id);
      }
      const data: SessionEndData = {
        conversation_id: session.conversation_id,
        session_id: session.session_id,
        agent_id: session.agent.id,
        started_at: new Date(session.created_at).toISOString(),
        ended_at: new Date(now).toISOString(),
        reason,
        visitor: session.visitor,
      };
      this.enqueue({
        queue: "conversation",
        action: this.conversationAction(
          session,
          CONVERSATION_ACTIONS.sessionEnd,
          session.session_id,
          data,
        ),
      });
      for (const ws of this.ctx.getWebSockets()) {
        try {
          ws.close(1000, "session ended");
        } catch {
          // already closing
        }
      }
      this.socketList = null;
      await this.flushOutbox();
      await this.scheduleAlarm();
    }
    return true;
  }

  // ---- WebSockets ----

  /** Only upgrades: the Worker has already checked the session token and the Origin. */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return Response.json(
        { error: { code: "VALIDATION_FAILED", message: "Expected a WebSocket upgrade." } },
        { status: 426 },
      );
    }
    const session = this.store.getSession();
    if (!session)
      return Response.json(
        { error: { code: "SESSION_NOT_FOUND", message: "This chat session does not exist." } },
        { status: 404 },
      );
    if (session.ended_at !== null)
      return Response.json(
        {
          error: {
            code: "SESSION_ENDED",
            message: "This chat session has ended. Start a new chat.",
          },
        },
        { status: 410 },
      );

    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    this.ctx.acceptWebSocket(server);
    this.socketList = null;
    // chat/init's initial message has been answered for nobody yet: the first socket sees the
    // session as it was before that message, then gets the turn's frames, as if it had sent it.
    const initial = this.store.initialTask();
    const replay = initial && !initial.delivered ? this.store.getTask(initial.task_id) : null;
    if (replay) this.store.markInitialTaskDelivered();
    const activeTask = this.store.activeTask();
    const active = activeTask && activeTask.id !== replay?.id ? activeTask : null;
    const live = active && this.live?.taskId === active.id ? this.live : null;
    const streamed = live ? live.count : active ? this.store.chunkCount(active.id) : 0;
    // A socket joining before any chunk of the active task streams gets it live; one joining
    // mid-answer gets nothing until it resumes, so no chunk reaches it twice.
    this.cursors.attach(
      server,
      active && streamed === 0
        ? { task_id: active.id, attempt: Math.max(1, active.attempt), next_idx: 0 }
        : null,
    );
    sendSafely(
      server,
      frame(
        "connection_ack",
        {
          session_id: session.session_id,
          agent_id: session.agent.id,
          agent_name: session.agent.name,
          history: this.store
            .messages(HISTORY_LIMIT)
            .filter((m) => replay === null || m.task_id !== replay.id)
            .map((m) => ({
              id: m.id,
              role: m.role,
              content: m.content,
              created_at: new Date(m.created_at).toISOString(),
              ...(m.metadata.sources ? { sources: m.metadata.sources } : {}),
            })),
          active_task: active
            ? { task_id: active.id, attempt: Math.max(1, active.attempt), chunks_sent: streamed }
            : null,
        },
        session.session_id,
      ),
    );
    if (replay) {
      // The frames a sender gets: chat_processing, then every chunk (stored, in memory, then
      // live) through chat_response or chat_error, by the same path as a `resume` from the start.
      const attempt =
        this.live?.taskId === replay.id ? this.live.attempt : Math.max(1, replay.attempt);
      sendSafely(
        server,
        frame(
          "chat_processing",
          { task_id: replay.id, mode: replay.mode, attempt },
          session.session_id,
          replay.id,
        ),
      );
      this.resume(server, session, replay.id, -1, attempt);
    }
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const session = this.store.getSession();
    if (!session) return;
    const reject = (code: ErrorCode, text: string, taskId: string | null = null) =>
      sendSafely(ws, frame("error", { code, message: text }, session.session_id, taskId));
    if (typeof message !== "string")
      return void reject("INVALID_FRAME", "Send JSON text frames, not binary.");
    if (message.length > MAX_FRAME_BYTES)
      return void reject("INVALID_FRAME", `Frames can be at most ${MAX_FRAME_BYTES / 1024} KB.`);
    let raw: unknown;
    try {
      raw = JSON.parse(message);
    } catch {
      return void reject("INVALID_FRAME", "The frame is not valid JSON.");
    }
    const parsed = ClientFrameSchema.safeParse(raw);
    if (!parsed.success) {
      const kind =
        typeof raw === "object" && raw !== null && "message_type" in raw
          ? String(raw.message_type)
          : "unknown";
      return void reject(
        "INVALID_FRAME",
        `Unsupported or malformed frame (${kind.slice(0, 40)}). Expected chat_message {content}, ping or resume {task_id, last_chunk_index}.`,
      );
    }
    const f = parsed.data;
    if ("type" in f)
      return void (await this.submitFromSocket(
        ws,
        session,
        f.content,
        f.execution_mode ?? "simple",
      ));
    switch (f.message_type) {
      case "chat_message":
        return void (await this.submitFromSocket(
          ws,
          session,
          f.data.content,
          f.data.execution_mode ?? "simple",
        ));
      case "ping":
        return void sendSafely(ws, frame("pong", {}, session.session_id));
      case "resume":
        return this.resume(ws, session, f.data.task_id, f.data.last_chunk_index, f.data.attempt);
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.cursors.forget(ws);
    this.socketList = null;
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // the runtime already completed the close handshake
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.cursors.forget(ws);
    this.socketList = null;
  }

  // ---- Alarm: restart interrupted runs, start watchdog, idle end, outbox ----

  override async alarm(): Promise<void> {
    await this.flushOutbox();
    const session = this.store.getSession();
    if (!session) return;
    const now = Date.now();
    const task = this.store.activeTask();
    const alive = task !== null && this.run?.taskId === task.id;
    if (task && !alive && (task.status === "ready" || task.status === "running")) {
      // Marked running but not running here: the run died with an earlier instance (crash, eviction).
      this.startRun(session, task);
    } else if (
      task?.status === "queued" &&
      !alive &&
      now - task.created_at >= this.limits.taskStallMs
    ) {
      this.failTask(session, task, {
        code: "TASK_STALLED",
        message: "The answer did not start in time. Send your message again.",
        retry_possible: true,
      });
    } else if (
      !task &&
      session.ended_at === null &&
      now - session.last_activity_at >= this.limits.idleMs
    ) {
      await this.end("idle");
    }
    await this.flushOutbox();
    await this.scheduleAlarm();
  }

  // ---- private helpers ----

  private async submitFromSocket(
    ws: WebSocket,
    session: SessionRow,
    content: string,
    mode: ExecutionMode,
  ): Promise<void> {
    const result = await this.submit(content, mode);
    if (!result.ok)
      sendSafely(
        ws,
        frame("error", { code: result.code, message: result.message }, session.session_id),
      );
  }

  /**
   * Runs the task's answer in this instance without awaiting it: the caller (a socket message,
   * the REST route's RPC, acceptTask, the alarm) returns at once, and the run keeps the object
   * busy with its LLM request (an object with a request in flight does not hibernate). The
   * task's storage status and the alarm (RUN_WATCHDOG_MS) cover the case where it dies anyway.
   */
  private startRun(session: SessionRow, task: TaskRow): void {
    if (this.run) return; // one task at a time: the active task is the one running
    const taskId = task.id;
    const logCrash = (what: string) => (err: unknown) =>
      this.log.error(what, {
        task_id: taskId,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      });
    const done = this.runTask(session, task)
      .catch(logCrash("chat task run crashed"))
      .then(async () => {
        if (this.run?.taskId === taskId) this.run = null;
        await this.flushOutbox();
        await this.scheduleAlarm();
      })
      .catch(logCrash("rescheduling after a chat task failed"));
    this.run = { taskId, done };
    this.ctx.waitUntil(done);
  }

  private async runTask(session: SessionRow, task: TaskRow): Promise<void> {
    const log = this.log.with({
      session_id: session.session_id,
      task_id: task.id,
      tenant_id: session.agent.tenant_id,
    });
    if (task.attempt >= MAX_TASK_ATTEMPTS) {
      this.failTask(session, task, {
        code: "TASK_STALLED",
        message: "The answer kept failing to complete. Send your message again.",
        retry_possible: true,
      });
      return;
    }
    const userMessage = this.store.getMessage(task.user_message_id);
    if (!userMessage) {
      this.failTask(session, task, {
        code: "INTERNAL_ERROR",
        message: "The message to answer was lost. Send it again.",
        retry_possible: true,
      });
      return;
    }
    const history = this.store
      .messages(HISTORY_LIMIT)
      .filter((m) => m.seq < userMessage.seq)
      .map((m) => ({ role: m.role, content: m.content }));
    const startedAt = Date.now();
    const previousAttempts = task.attempt;
    let attempt = previousAttempts;
    let live = null as LiveStream | null; // (`as`: assigned in the sink callbacks, which narrowing does not see)
    try {
      const result = await runChatTask(
        {
          env: this.env,
          agent: session.agent,
          mode: task.mode,
          history,
          userMessage: userMessage.content,
          maxAnswerTokens: this.limits.maxAnswerTokens,
          stallMs: this.limits.taskStallMs,
          retrieve: async (query, agent) => {
            const r = await retrieveForTurn(this.env, agent, query, history);
            return { passages: r.passages, searchQuery: r.query.query };
          },
          onAttemptFailed: (n, err) =>
            log.warn("chat task attempt failed", {
              attempt: previousAttempts + n,
              error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
            }),
        },
        {
          startAttempt: (n) => {
            attempt = previousAttempts + n;
            live?.stop();
            live = new LiveStream(task.id, attempt, (id, rows) =>
              this.store.appendChunks(id, rows),
            );
            this.live = live;
            // Only an earlier attempt (here or in a dead instance) can have left chunks.
            if (attempt > 1) this.store.clearChunks(task.id);
            this.store.setTaskStatus(task.id, "running", Date.now(), { attempt });
            this.broadcastTaskStart(session, task.id, task.mode, attempt);
          },
          delta: (text) => {
            // Sent before anything is written: no storage commit stands in front of a chunk.
            if (live) this.relayChunk(session, task.id, attempt, live.push(text), text);
          },
        },
      );
      const chunks = live?.count ?? 0;
      this.completeTask(session, task, userMessage, result, attempt, live, Date.now() - startedAt);
      log.info("chat task completed", { attempt, chunks, model: result.model });
    } catch (err) {
      const e = toChatTaskError(err);
      if (e.code === "INTERNAL_ERROR")
        log.error("chat task failed", {
          error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        });
      else log.warn("chat task failed", { code: e.code });
      this.endLive(live);
      this.failTask(
        session,
        { ...task, attempt },
        { code: e.code, message: e.message, retry_possible: e.retryPossible },
      );
    }
  }

  private completeTask(
    session: SessionRow,
    task: TaskRow,
    userMessage: MessageRow,
    result: ChatTaskResult,
    attempt: number,
    live: LiveStream | null,
    executionMs: number,
  ): void {
    const chunks = live?.count ?? 0;
    if (this.store.getTask(task.id)?.status !== "running") return this.endLive(live); // the session ended meanwhile
    const now = Date.now();
    // The last batch of chunks commits with the completed status, before the final frame leaves.
    live?.flush();
    this.endLive(live);
    const assistant = this.store.insertMessage({
      id: crypto.randomUUID(),
      role: "assistant",
      content: result.text,
      task_id: task.id,
      created_at: now,
      metadata: {
        task_id: task.id,
        mode: task.mode,
        model: result.model,
        provider: result.provider,
        usage: result.usage,
        latency_ms: executionMs,
        ...(result.timeToFirstTokenMs !== null
          ? { time_to_first_token_ms: result.timeToFirstTokenMs }
          : {}),
        sources: result.sources,
        attempt,
      },
    });
    this.store.setTaskStatus(task.id, "completed", now, { assistant_message_id: assistant.id });
    this.store.touch(now);
    this.enqueuePersist(session, [userMessage, assistant], task.id);
    this.relayChunk(session, task.id, attempt, chunks, "", true);
    this.broadcast(
      frame("chat_response", this.responseData(session, assistant), session.session_id, task.id),
    );
  }

  private failTask(
    session: SessionRow,
    task: TaskRow,
    error: { code: string; message: string; retry_possible: boolean },
  ): void {
    if (this.live?.taskId === task.id) this.endLive(this.live);
    const current = this.store.getTask(task.id)?.status;
    if (current === "completed" || current === "failed") return;
    const now = Date.now();
    this.store.setTaskStatus(task.id, "failed", now, { error });
    this.store.touch(now);
    const userMessage = this.store.getMessage(task.user_message_id);
    if (userMessage) this.enqueuePersist(session, [userMessage], task.id);
    this.broadcast(frame("chat_error", error, session.session_id, task.id));
  }

  private endLive(live: LiveStream | null): void {
    live?.stop();
    if (this.live === live) this.live = null;
  }

  private responseData(session: SessionRow, assistant: MessageRow) {
    const m = assistant.metadata;
    return {
      message: assistant.content,
      message_id: assistant.id,
      usage: m.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
      sources: m.sources ?? [],
      execution_time_ms: m.latency_ms ?? 0,
      conversation_id: session.conversation_id,
      model: m.model ?? session.agent.execution_config.model,
    };
  }

  /** Every socket follows the task from chunk 0 of `attempt`. */
  private broadcastTaskStart(
    session: SessionRow,
    taskId: string,
    mode: ExecutionMode,
    attempt: number,
  ): void {
    const text = frame(
      "chat_processing",
      { task_id: taskId, mode, attempt },
      session.session_id,
      taskId,
    );
    for (const ws of this.sockets()) {
      const cursor = this.cursors.get(ws);
      if (cursor?.task_id === taskId && cursor.attempt === attempt && cursor.next_idx === 0)
        continue;
      this.cursors.set(ws, { task_id: taskId, attempt, next_idx: 0 });
      sendSafely(ws, text);
    }
  }

  /** Sends chunk `idx` to each socket whose cursor expects exactly it: every chunk reaches a socket once. */
  private relayChunk(
    session: SessionRow,
    taskId: string,
    attempt: number,
    idx: number,
    content: string,
    isFinal = false,
  ): void {
    let text: string | null = null;
    for (const ws of this.sockets()) {
      const cursor = this.cursors.get(ws);
      if (
        !cursor ||
        cursor.task_id !== taskId ||
        cursor.attempt !== attempt ||
        cursor.next_idx !== idx
      )
        continue;
      text ??= frame(
        "chat_streaming",
        { content, chunk_index: idx, is_final: isFinal, attempt },
        session.session_id,
        taskId,
      );
      if (sendSafely(ws, text)) this.cursors.advance(ws, cursor);
    }
  }

  private resume(
    ws: WebSocket,
    session: SessionRow,
    taskId: string,
    lastChunkIndex: number,
    clientAttempt: number | undefined,
  ): void {
    const task = this.store.getTask(taskId);
    if (!task)
      return void sendSafely(
        ws,
        frame(
          "error",
          { code: "NOT_FOUND", message: "This session has no task with that id." },
          session.session_id,
          taskId,
        ),
      );
    if (task.status === "failed") {
      return void sendSafely(
        ws,
        frame(
          "chat_error",
          task.error ?? {
            code: "INTERNAL_ERROR",
            message: "The answer failed.",
            retry_possible: true,
          },
          session.session_id,
          task.id,
        ),
      );
    }
    // A task streaming here is served from memory (its latest chunks may not be written yet).
    const live = this.live?.taskId === task.id ? this.live : null;
    const attempt = live?.attempt ?? Math.max(1, task.attempt);
    let from = lastChunkIndex;
    if (clientAttempt !== undefined && clientAttempt !== attempt) {
      // The client holds chunks of a dropped attempt: it starts over from this attempt's first chunk.
      sendSafely(
        ws,
        frame(
          "chat_processing",
          { task_id: task.id, mode: task.mode, attempt },
          session.session_id,
          task.id,
        ),
      );
      from = -1;
    }
    const missed = live ? live.after(from) : this.store.chunksAfter(task.id, from);
    for (const c of missed)
      sendSafely(
        ws,
        frame(
          "chat_streaming",
          { content: c.content, chunk_index: c.idx, is_final: false, attempt },
          session.session_id,
          task.id,
        ),
      );
    const next = (missed.at(-1)?.idx ?? from) + 1;
    this.cursors.set(ws, { task_id: task.id, attempt, next_idx: next });
    if (task.status === "completed") {
      const assistant = task.assistant_message_id
        ? this.store.getMessage(task.assistant_message_id)
        : null;
      // The final frame keeps the index it streamed with, and goes only to a client that has not
      // had it: each chunk exactly once, the final one included. chat_response may come again.
      const finalIdx = this.store.chunkCount(task.id);
      if (from < finalIdx)
        sendSafely(
          ws,
          frame(
            "chat_streaming",
            { content: "", chunk_index: finalIdx, is_final: true, attempt },
            session.session_id,
            task.id,
          ),
        );
      if (assistant)
        sendSafely(
          ws,
          frame(
            "chat_response",
            this.responseData(session, assistant),
            session.session_id,
            task.id,
          ),
        );
    }
  }

  /** The session's sockets, for the relay of every chunk (asking the runtime each time showed in profiles). */
  private sockets(): WebSocket[] {
    this.socketList ??= this.ctx.getWebSockets();
    return this.socketList;
  }

  private broadcast(text: string): void {
    for (const ws of this.sockets()) sendSafely(ws, text);
  }

  private conversationAction(
    session: SessionRow,
    actionType: string,
    taskId: string,
    data: MessageCreateData | SessionEndData,
  ): DomainAction {
    return createDomainAction({
      action_type: actionType,
      tenant_id: session.agent.tenant_id,
      session_id: session.session_id,
      task_id: taskId,
      agent_id: session.agent.id,
      origin_service: "chat-session",
      trace_id: taskId,
      data: { ...data },
    });
  }

  private enqueuePersist(session: SessionRow, messages: MessageRow[], taskId: string): void {
    const data: MessageCreateData = {
      conversation_id: session.conversation_id,
      session_id: session.session_id,
      agent_id: session.agent.id,
      started_at: new Date(session.created_at).toISOString(),
      visitor: session.visitor,
      messages: messages.map((m): PersistedMessage => ({
        id: m.id,
        role: m.role,
        content: m.content,
        seq: m.seq,
        created_at: new Date(m.created_at).toISOString(),
        metadata: m.metadata,
      })),
    };
    this.enqueue({
      queue: "conversation",
      action: this.conversationAction(session, CONVERSATION_ACTIONS.messageCreate, taskId, data),
    });
  }

  private enqueue(item: OutboxItem): void {
    this.store.enqueueOutbox(item.action.action_id, item, Date.now());
  }

  private sendOutboxSoon(): void {
    this.outboxTimer ??= setTimeout(() => {
      this.outboxTimer = null;
      this.flushOutbox()
        .then(() => (this.store.outbox().length > 0 ? this.scheduleAlarm() : undefined))
        .catch((err: unknown) =>
          this.log.warn("outbox send failed; the alarm retries", { error: String(err) }),
        );
    }, OUTBOX_SEND_AFTER_MS);
  }

  /** Sends what the outbox holds; what fails stays for the next alarm. One flush at a time. */
  private flushOutbox(): Promise<void> {
    this.flushing ??= this.sendOutbox().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async sendOutbox(): Promise<void> {
    for (const { id, body } of this.store.outbox()) {
      const parsed = OutboxItemSchema.safeParse(body);
      if (!parsed.success) {
        this.log.error("dropping unreadable outbox entry", { action_id: id });
        this.store.removeOutbox(id);
        continue;
      }
      const item = parsed.data;
      try {
        const queue =
          item.queue === "execution" ? this.env.EXECUTION_QUEUE : this.env.CONVERSATION_QUEUE;
        await queue.send(
          item.action,
          item.delay_seconds ? { delaySeconds: item.delay_seconds } : undefined,
        );
        this.store.removeOutbox(id);
      } catch (err) {
        this.log.warn("queue send failed; will retry", {
          queue: item.queue,
          action_id: id,
          error: String(err),
        });
        return;
      }
    }
  }

  /**
   * One alarm serves every deadline: the run watchdog (now for a run not alive here), the start
   * watchdog, outbox retries, idle end. `outboxSent`: the caller flushes the outbox right after.
   */
  private async scheduleAlarm(opts: { outboxSent?: boolean } = {}): Promise<void> {
    const session = this.store.getSession();
    if (!session) return;
    const now = Date.now();
    const deadlines: number[] = [];
    const task = this.store.activeTask();
    const alive = task !== null && this.run?.taskId === task.id;
    if (task && (task.status === "ready" || task.status === "running"))
      deadlines.push(alive ? now + RUN_WATCHDOG_MS : now);
    if (task?.status === "queued")
      deadlines.push(alive ? now + RUN_WATCHDOG_MS : task.created_at + this.limits.taskStallMs);
    if (!opts.outboxSent && this.store.outbox().length > 0) deadlines.push(now + OUTBOX_RETRY_MS);
    if (!task && session.ended_at === null)
      deadlines.push(session.last_activity_at + this.limits.idleMs);
    if (deadlines.length === 0) {
      await this.ctx.storage.deleteAlarm();
      return;
    }
    await this.ctx.storage.setAlarm(Math.min(...deadlines));
  }
}
