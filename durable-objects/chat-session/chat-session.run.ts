/**
 * ChatSession's turn run: the answer to the active task, run in this instance by the library
 * turn runner (workers/chat/run-chat-task.ts) with the session's retrieval, each delta relayed
 * before anything is written, and the outcome (answer or failure) stored, relayed and put in
 * the outbox for the CRM. One run at a time per session. A run that dies with its instance
 * leaves its task active in storage; the session's alarm restarts it as a new attempt.
 */
import type { ChatErrorData } from "../../shared/protocol/chat.ts";
import type { ChatLimits } from "../../workers/chat/limits.ts";
import { retrieveForTurn } from "../../workers/chat/retrieve.ts";
import type { AgentStepRecord } from "../../shared/conversation.ts";
import { runAgentTask } from "../../workers/agent/loop.ts";
import type { AgentSink } from "../../workers/agent/loop.ts";
import { agentTools } from "../../workers/agent/tools/registry.ts";
import type { CapturedContact } from "../../workers/agent/tools/types.ts";
import { runChatTask, toChatTaskError } from "../../workers/chat/run-chat-task.ts";
import type { ChatTaskResult } from "../../workers/chat/run-chat-task.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import type { Logger } from "../../workers/log.ts";
import type { ChatSessionOutbox } from "./chat-session.outbox.ts";
import type { ChatSessionRelay } from "./chat-session.relay.ts";
import { HISTORY_LIMIT } from "./chat-session.sql.ts";
import type { ChatSessionStore, MessageRow, SessionRow, TaskRow } from "./chat-session.sql.ts";
import { LiveStream } from "./chat-session.stream.ts";

/** Attempts of one task across crashes and provider failures before it fails for good. */
export const MAX_TASK_ATTEMPTS = 5;

export interface RunDeps {
  env: WorkerEnv;
  store: ChatSessionStore;
  limits: ChatLimits;
  log: Logger;
  relay: ChatSessionRelay;
  outbox: ChatSessionOutbox;
  /** Keeps the object alive for a promise the caller does not await. */
  waitUntil: (done: Promise<unknown>) => void;
  /** After a run ends: send its outbox rows and set the next alarm. */
  settled: () => Promise<void>;
  /** capture_contact's store: the contact kept on the session and queued for the CRM. */
  saveContact: (session: SessionRow, contact: CapturedContact) => Promise<void>;
}

const describe = (err: unknown) =>
  err instanceof Error ? `${err.name}: ${err.message}` : String(err);

export class ChatSessionRun {
  private readonly d: RunDeps;
  /** The task whose answer runs in this instance (one at a time per session), until it ends. */
  private run: { taskId: string; done: Promise<void> } | null = null;
  /** The attempt of that task streaming now: its chunks, in memory. */
  private live: LiveStream | null = null;

  constructor(deps: RunDeps) {
    this.d = deps;
  }

  /** Whether task `taskId`'s run is alive in this instance. */
  isRunning(taskId: string): boolean {
    return this.run?.taskId === taskId;
  }

  /** The attempt of `taskId` streaming in this instance, if any. */
  liveFor(taskId: string): LiveStream | null {
    return this.live?.taskId === taskId ? this.live : null;
  }

  /**
   * Runs the task's answer in this instance without awaiting it: the caller (a socket message,
   * the REST route's RPC, the alarm) returns at once, and the run keeps the object busy with
   * its LLM request (an object with a request in flight does not hibernate). The task's stored
   * status and the alarm (RUN_WATCHDOG_MS) cover the case where it dies anyway.
   */
  start(session: SessionRow, task: TaskRow): void {
    if (this.run) return; // one task at a time: the active task is the one running
    const taskId = task.id;
    const logCrash = (what: string) => (err: unknown) =>
      this.d.log.error(what, { task_id: taskId, error: describe(err) });
    const done = this.execute(session, task)
      .catch(logCrash("chat task run crashed"))
      .then(async () => {
        if (this.run?.taskId === taskId) this.run = null;
        await this.d.settled();
      })
      .catch(logCrash("rescheduling after a chat task failed"));
    this.run = { taskId, done };
    this.d.waitUntil(done);
  }

  /** Fails the task for good (unless it already ended): stored, relayed, and reported to the CRM. */
  fail(session: SessionRow, task: TaskRow, error: ChatErrorData): void {
    if (this.live?.taskId === task.id) this.endLive(this.live);
    const { store } = this.d;
    const current = store.getTask(task.id)?.status;
    if (current === "completed" || current === "failed") return;
    const now = Date.now();
    store.setTaskStatus(task.id, "failed", now, { error });
    store.agentTurns.dropState(task.id);
    store.touch(now);
    const userMessage = store.getMessage(task.user_message_id);
    if (userMessage) this.d.outbox.persistTurn(session, [userMessage], task.id);
    this.d.relay.failed(session, task.id, error);
  }

  private async execute(session: SessionRow, task: TaskRow): Promise<void> {
    const { store, limits, relay } = this.d;
    const log = this.d.log.with({
      session_id: session.session_id,
      task_id: task.id,
      tenant_id: session.agent.tenant_id,
    });
    if (task.attempt >= MAX_TASK_ATTEMPTS) {
      return this.fail(session, task, {
        code: "TASK_STALLED",
        message: "The answer kept failing to complete. Send your message again.",
        retry_possible: true,
      });
    }
    const userMessage = store.getMessage(task.user_message_id);
    if (!userMessage) {
      return this.fail(session, task, {
        code: "INTERNAL_ERROR",
        message: "The message to answer was lost. Send it again.",
        retry_possible: true,
      });
    }
    const history = store
      .messages(HISTORY_LIMIT)
      .filter((m) => m.seq < userMessage.seq)
      .map((m) => ({ role: m.role, content: m.content }));
    const startedAt = Date.now();
    const previousAttempts = task.attempt;
    let attempt = previousAttempts;
    let live = null as LiveStream | null; // (`as`: assigned in the sink callbacks, which narrowing does not see)
    if (task.mode === "advanced" && session.agent.execution_config.mode !== "advanced") {
      return this.fail(session, task, {
        code: "MODE_UNAVAILABLE",
        message:
          "This agent answers in simple mode: its owner has not switched on advanced mode (tools). Send the message without execution_mode.",
        retry_possible: false,
      });
    }
    const sink: AgentSink = {
      startAttempt: (n) => {
        attempt = previousAttempts + n;
        live?.stop();
        live = new LiveStream(task.id, attempt, (id, first, contents) =>
          store.appendChunks(id, first, contents),
        );
        this.live = live;
        // Only an earlier attempt (here or in a dead instance) can have left chunks.
        if (attempt > 1) store.clearChunks(task.id);
        store.setTaskStatus(task.id, "running", Date.now(), { attempt });
        relay.taskStarted(session, task.id, task.mode, attempt);
      },
      delta: (text) => {
        // Sent before anything is written: no storage commit stands in front of a chunk.
        if (live) relay.chunk(session, task.id, attempt, live.push(text), text);
      },
      step: (step) => {
        // Stored first: a step is rare, and a socket resuming later must find it.
        store.agentTurns.appendStep(task.id, step);
        relay.step(session, task.id, step);
      },
      checkpoint: (state) => store.agentTurns.saveState(task.id, state),
    };
    const onAttemptFailed = (n: number, err: unknown) =>
      log.warn("chat task attempt failed", {
        attempt: previousAttempts + n,
        error: describe(err),
      });
    const common = {
      env: this.d.env,
      agent: session.agent,
      history,
      userMessage: userMessage.content,
      maxAnswerTokens: limits.maxAnswerTokens,
      stallMs: limits.taskStallMs,
      onAttemptFailed,
    };
    try {
      const result: ChatTaskResult & { steps?: AgentStepRecord[] } =
        task.mode === "advanced"
          ? await runAgentTask(
              {
                ...common,
                tools: agentTools(session.agent),
                conversationId: session.conversation_id,
                sessionId: session.session_id,
                saved: store.agentTurns.state(task.id),
                saveContact: (contact) => this.d.saveContact(session, contact),
                onToolFailed: (tool, err) =>
                  log.error("agent tool failed", { tool, error: describe(err) }),
              },
              sink,
            )
          : await runChatTask(
              {
                ...common,
                mode: task.mode,
                retrieve: async (query, agent) => {
                  const r = await retrieveForTurn(this.d.env, agent, query, history);
                  return { passages: r.passages, searchQuery: r.query.query };
                },
              },
              sink,
            );
      const chunks = live?.count ?? 0;
      this.complete(session, task, userMessage, result, attempt, live, Date.now() - startedAt);
      log.info("chat task completed", { attempt, chunks, model: result.model });
    } catch (err) {
      const e = toChatTaskError(err);
      if (e.code === "INTERNAL_ERROR") log.error("chat task failed", { error: describe(err) });
      else log.warn("chat task failed", { code: e.code });
      this.endLive(live);
      this.fail(
        session,
        { ...task, attempt },
        { code: e.code, message: e.message, retry_possible: e.retryPossible },
      );
    }
  }

  private complete(
    session: SessionRow,
    task: TaskRow,
    userMessage: MessageRow,
    result: ChatTaskResult & { steps?: AgentStepRecord[] },
    attempt: number,
    live: LiveStream | null,
    executionMs: number,
  ): void {
    const { store } = this.d;
    const chunks = live?.count ?? 0;
    if (store.getTask(task.id)?.status !== "running") return this.endLive(live); // the session ended meanwhile
    const now = Date.now();
    // The last batch of chunks commits with the completed status, before the final frame leaves.
    live?.flush();
    this.endLive(live);
    const assistant = store.insertMessage({
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
        ...(result.steps?.length ? { steps: result.steps } : {}),
      },
    });
    store.setTaskStatus(task.id, "completed", now, { assistant_message_id: assistant.id });
    store.agentTurns.dropState(task.id);
    store.touch(now);
    this.d.outbox.persistTurn(session, [userMessage, assistant], task.id);
    this.d.relay.answered(session, task.id, attempt, chunks, assistant);
  }

  private endLive(live: LiveStream | null): void {
    live?.stop();
    if (this.live === live) this.live = null;
  }
}
