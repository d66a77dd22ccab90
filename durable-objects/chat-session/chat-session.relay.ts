/**
 * ChatSession's relay: what each of the session's sockets is sent. Every socket follows the
 * active task through its cursor (chat-session.socket.ts), so each chunk of an attempt reaches
 * a socket exactly once; a socket that joins, reconnects or resumes is caught up from the
 * attempt streaming in memory or, once the answer is complete, from storage, without a second
 * LLM call.
 */
import type { AgentStepRecord } from "../../shared/conversation.ts";
import type { ChatErrorData, ChatResponseData, ExecutionMode } from "../../shared/protocol/chat.ts";
import { chatStreamingFrameText, frameText } from "../../shared/protocol/frame.ts";
import type { FrameData, FrameIds, FrameType } from "../../shared/protocol/frame.ts";
import { HISTORY_LIMIT } from "./chat-session.sql.ts";
import type { ChatSessionStore, MessageRow, SessionRow } from "./chat-session.sql.ts";
import { SocketCursors, sendSafely } from "./chat-session.socket.ts";
import type { LiveStream } from "./chat-session.stream.ts";

export class ChatSessionRelay {
  private readonly ctx: DurableObjectState;
  private readonly store: ChatSessionStore;
  /** The attempt of `taskId` streaming in this instance, if any. */
  private readonly liveFor: (taskId: string) => LiveStream | null;
  private readonly cursors = new SocketCursors();
  /** This instance's sockets, read from the runtime once and again only after a socket comes or goes. */
  private socketList: WebSocket[] | null = null;

  constructor(
    ctx: DurableObjectState,
    store: ChatSessionStore,
    liveFor: (taskId: string) => LiveStream | null,
  ) {
    this.ctx = ctx;
    this.store = store;
    this.liveFor = liveFor;
  }

  /**
   * A socket just accepted: its cursor, `connection_ack` with the transcript, and, for the
   * first socket after chat/init's `initial_message`, that turn's frames as if it had sent it.
   */
  connected(ws: WebSocket, session: SessionRow): void {
    this.socketList = null;
    // chat/init's initial message has been answered for nobody yet: the first socket sees the
    // session as it was before that message, then gets the turn's frames.
    const initial = this.store.initialTask();
    const replay = initial && !initial.delivered ? this.store.getTask(initial.task_id) : null;
    if (replay) this.store.markInitialTaskDelivered();
    const activeTask = this.store.activeTask();
    const active = activeTask && activeTask.id !== replay?.id ? activeTask : null;
    const live = active ? this.liveFor(active.id) : null;
    const streamed = live ? live.count : active ? this.store.chunkCount(active.id) : 0;
    const steps = active ? this.store.agentTurns.stepCount(active.id) : 0;
    const attempt = active ? Math.max(1, active.attempt) : 1;
    // A socket joining before any chunk or step of the active task gets it live; one joining
    // mid-answer gets nothing until it resumes, so no chunk or step reaches it twice.
    this.cursors.attach(
      ws,
      active && streamed === 0 && steps === 0
        ? { task_id: active.id, attempt, next_idx: 0, next_step: 0 }
        : null,
    );
    const history = this.store
      .messages(HISTORY_LIMIT)
      .filter((m) => replay === null || m.task_id !== replay.id)
      .map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        created_at: new Date(m.created_at).toISOString(),
        ...(m.metadata.sources ? { sources: m.metadata.sources } : {}),
        ...(m.metadata.steps?.length ? { steps: m.metadata.steps } : {}),
      }));
    this.send(ws, session, "connection_ack", {
      session_id: session.session_id,
      agent_id: session.agent.id,
      agent_name: session.agent.name,
      history,
      active_task: active
        ? {
            task_id: active.id,
            attempt,
            chunks_sent: streamed,
            ...(active.mode === "advanced" ? { steps_sent: steps } : {}),
          }
        : null,
    });
    if (replay) {
      // The frames a sender gets: chat_processing, then every chunk (stored, in memory, then
      // live) through chat_response or chat_error, by the same path as a `resume` from the start.
      const replayAttempt = this.liveFor(replay.id)?.attempt ?? Math.max(1, replay.attempt);
      this.send(
        ws,
        session,
        "chat_processing",
        { task_id: replay.id, mode: replay.mode, attempt: replayAttempt },
        replay.id,
      );
      this.resume(ws, session, replay.id, -1, replayAttempt, -1);
    }
  }

  /** A socket closed or failed: it is no longer relayed to. */
  disconnected(ws: WebSocket): void {
    this.cursors.forget(ws);
    this.socketList = null;
  }

  /** Closes every socket (the session ended). */
  closeAll(reason: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, reason);
      } catch {
        // already closing
      }
    }
    this.socketList = null;
  }

  /** Every socket follows the task from chunk 0 of `attempt`. */
  taskStarted(session: SessionRow, taskId: string, mode: ExecutionMode, attempt: number): void {
    const text = frameText(
      "chat_processing",
      { task_id: taskId, mode, attempt },
      { session_id: session.session_id, task_id: taskId },
    );
    for (const ws of this.sockets()) {
      const cursor = this.cursors.get(ws);
      if (cursor?.task_id === taskId && cursor.attempt === attempt && cursor.next_idx === 0)
        continue;
      // A new attempt restarts the answer, not the steps (they are kept across attempts).
      const nextStep = cursor?.task_id === taskId ? cursor.next_step : 0;
      this.cursors.set(ws, { task_id: taskId, attempt, next_idx: 0, next_step: nextStep });
      sendSafely(ws, text);
    }
  }

  /** Sends chunk `idx` to each socket whose cursor expects exactly it: every chunk reaches a socket once. */
  chunk(
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
      text ??= chatStreamingFrameText(
        { content, chunk_index: idx, is_final: isFinal, attempt },
        { session_id: session.session_id, task_id: taskId },
      );
      if (sendSafely(ws, text)) this.cursors.advance(ws, cursor);
    }
  }

  /** Sends agent step `step` to each socket following the task that expects exactly it. */
  step(session: SessionRow, taskId: string, step: AgentStepRecord): void {
    let text: string | null = null;
    for (const ws of this.sockets()) {
      const cursor = this.cursors.get(ws);
      if (!cursor || cursor.task_id !== taskId || cursor.next_step !== step.step) continue;
      text ??= frameText("agent_step", { ...step, task_id: taskId }, ids(session, taskId));
      if (sendSafely(ws, text)) this.cursors.advanceStep(ws, cursor);
    }
  }

  /** The answer is complete: the final chunk (index `chunks`), then `chat_response` to all. */
  answered(
    session: SessionRow,
    taskId: string,
    attempt: number,
    chunks: number,
    assistant: MessageRow,
  ): void {
    this.chunk(session, taskId, attempt, chunks, "", true);
    this.broadcast(session, "chat_response", responseData(session, assistant), taskId);
  }

  failed(session: SessionRow, taskId: string, error: ChatErrorData): void {
    this.broadcast(session, "chat_error", error, taskId);
  }

  /**
   * Catches `ws` up on task `taskId` after chunk `lastChunkIndex` of `clientAttempt`: a client
   * holding chunks of a dropped attempt starts over from this attempt's first chunk.
   */
  resume(
    ws: WebSocket,
    session: SessionRow,
    taskId: string,
    lastChunkIndex: number,
    clientAttempt: number | undefined,
    lastStep: number,
  ): void {
    const task = this.store.getTask(taskId);
    if (!task)
      return this.send(
        ws,
        session,
        "error",
        { code: "NOT_FOUND", message: "This session has no task with that id." },
        taskId,
      );
    if (task.status === "failed") {
      const error = task.error ?? {
        code: "INTERNAL_ERROR",
        message: "The answer failed.",
        retry_possible: true,
      };
      return this.send(ws, session, "chat_error", error, task.id);
    }
    // A task streaming here is served from memory (its latest chunks may not be written yet).
    const live = this.liveFor(task.id);
    const attempt = live?.attempt ?? Math.max(1, task.attempt);
    let from = lastChunkIndex;
    if (clientAttempt !== undefined && clientAttempt !== attempt) {
      const data = { task_id: task.id, mode: task.mode, attempt };
      this.send(ws, session, "chat_processing", data, task.id);
      from = -1;
    }
    // Steps first (they came before the answer's chunks, and are stored before they are sent).
    const steps = this.store.agentTurns.stepsAfter(task.id, lastStep);
    for (const step of steps)
      this.send(ws, session, "agent_step", { ...step, task_id: task.id }, task.id);
    const nextStep = (steps.at(-1)?.step ?? lastStep) + 1;
    const missed = live ? live.after(from) : this.store.chunksAfter(task.id, from);
    for (const c of missed) {
      const data = { content: c.content, chunk_index: c.idx, is_final: false, attempt };
      this.send(ws, session, "chat_streaming", data, task.id);
    }
    const next = (missed.at(-1)?.idx ?? from) + 1;
    this.cursors.set(ws, { task_id: task.id, attempt, next_idx: next, next_step: nextStep });
    if (task.status !== "completed") return;
    const assistant = task.assistant_message_id
      ? this.store.getMessage(task.assistant_message_id)
      : null;
    // The final frame keeps the index it streamed with, and goes only to a client that has not
    // had it: each chunk exactly once, the final one included. chat_response may come again.
    const finalIdx = this.store.chunkCount(task.id);
    if (from < finalIdx) {
      const data = { content: "", chunk_index: finalIdx, is_final: true, attempt };
      this.send(ws, session, "chat_streaming", data, task.id);
    }
    if (assistant)
      this.send(ws, session, "chat_response", responseData(session, assistant), task.id);
  }

  /** One frame to one socket. */
  send<T extends FrameType>(
    ws: WebSocket,
    session: SessionRow,
    type: T,
    data: FrameData<T>,
    taskId: string | null = null,
  ): void {
    sendSafely(ws, frameText(type, data, ids(session, taskId)));
  }

  private broadcast<T extends FrameType>(
    session: SessionRow,
    type: T,
    data: FrameData<T>,
    taskId: string,
  ): void {
    const text = frameText(type, data, ids(session, taskId));
    for (const ws of this.sockets()) sendSafely(ws, text);
  }

  /** The session's sockets, for the relay of every chunk (asking the runtime each time showed in profiles). */
  private sockets(): WebSocket[] {
    this.socketList ??= this.ctx.getWebSockets();
    return this.socketList;
  }
}

const ids = (session: SessionRow, taskId: string | null): FrameIds => ({
  session_id: session.session_id,
  task_id: taskId,
});

function responseData(session: SessionRow, assistant: MessageRow): ChatResponseData {
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
