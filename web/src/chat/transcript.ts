/**
 * The chat transcript as the page shows it, driven by the server's frames
 * (shared/protocol/chat.ts). Pure state, no socket: the panel feeds it frames and sends what
 * it asks for (a `resume` after a gap or a reconnect), and tests feed it frames directly.
 *
 * Streaming rules: chunks of one task arrive with chunk_index 0, 1, 2 ... within an attempt;
 * a higher attempt (after a provider failure or a restarted worker) starts again at 0, so the
 * text of the older attempt is thrown away; a chunk already held is ignored (a resume may
 * overlap); a chunk beyond the next expected one is a gap, answered with a resume from the
 * last chunk held. `chat_response` carries the whole answer and its sources: it replaces the
 * streamed text, so what stays on screen is exactly what the server stored.
 *
 * Advanced mode's steps (`agent_step`) belong to the task, not to an attempt: a new attempt
 * resets the answer's text and keeps the steps, and a step number already held is ignored.
 * Every `resume` carries `last_step`, the highest step held, so the server sends each later
 * step once.
 */
import { createStore, produce } from "solid-js/store";
import type { AgentStepRecord, Source } from "../../../shared/conversation.ts";
import type {
  AgentStepData,
  ChatErrorData,
  ChatResponseData,
  ChatStreamingData,
  ConnectionAckData,
} from "../../../shared/protocol/chat.ts";

export type MessageStatus = "pending" | "sent" | "streaming" | "done" | "error";

export interface ChatMessage {
  /** Stable key for rendering (the server's id once known). */
  key: string;
  role: "user" | "assistant";
  content: string;
  sources: Source[];
  /** An advanced-mode answer's steps, ordered by step number, each number once. */
  steps: AgentStepRecord[];
  status: MessageStatus;
  taskId?: string;
  /** Streaming position of an assistant message: its attempt and the next chunk expected. */
  attempt?: number;
  nextChunk?: number;
  error?: { code: string; message: string; retryPossible: boolean };
}

export interface ResumeRequest {
  task_id: string;
  last_chunk_index: number;
  attempt: number;
  /** The highest agent_step held (-1: none): later ones are sent again. */
  last_step: number;
}

export interface AckResult {
  /** Send this `resume` (a task was answering when the socket connected). */
  resume: ResumeRequest | null;
  /** Text the visitor sent that the server never received (put it back in the input). */
  unsent: string | null;
}

let localKeys = 0;
const localKey = (prefix: string) => `${prefix}-${++localKeys}`;

/** The highest step number held (-1: none); a socket delivers in order, so none is missing before it. */
export function lastStep(steps: AgentStepRecord[]): number {
  return steps.reduce((last, s) => Math.max(last, s.step), -1);
}

/** `steps` with `step` added in order, or the same array when its number is already there. */
function withStep(steps: AgentStepRecord[], step: AgentStepRecord): AgentStepRecord[] {
  if (steps.some((s) => s.step === step.step)) return steps;
  return [...steps, step].sort((a, b) => a.step - b.step);
}

export function createTranscript() {
  const [state, setState] = createStore<{ messages: ChatMessage[] }>({ messages: [] });

  const assistantFor = (taskId: string) =>
    state.messages.findIndex((m) => m.role === "assistant" && m.taskId === taskId);

  /** The assistant message of `taskId`, created (empty, streaming) when missing. */
  const ensureAssistant = (taskId: string, attempt: number): number => {
    const index = assistantFor(taskId);
    if (index >= 0) return index;
    setState("messages", (list) => [
      ...list,
      {
        key: localKey("answer"),
        role: "assistant",
        content: "",
        sources: [],
        steps: [],
        status: "streaming",
        taskId,
        attempt,
        nextChunk: 0,
      },
    ]);
    return state.messages.length - 1;
  };

  const restartAttempt = (index: number, attempt: number) =>
    setState("messages", index, {
      content: "",
      attempt,
      nextChunk: 0,
      status: "streaming",
      error: undefined,
    });

  /** A resume for `taskId` after chunk `lastChunk`, with the steps the message already holds. */
  const resumeFor = (
    taskId: string,
    lastChunk: number,
    attempt: number,
    steps: AgentStepRecord[] = [],
  ): ResumeRequest => ({
    task_id: taskId,
    last_chunk_index: lastChunk,
    attempt,
    last_step: lastStep(steps),
  });

  return {
    state,
    /** Is an answer on its way (or a message waiting to be accepted)? */
    busy: () => state.messages.some((m) => m.status === "pending" || m.status === "streaming"),

    clear() {
      setState("messages", []);
    },

    /** The visitor's message, shown at once; confirmed by the next `chat_processing`. */
    addPending(text: string) {
      setState("messages", (list) => [
        ...list,
        {
          key: localKey("mine"),
          role: "user",
          content: text,
          sources: [],
          steps: [],
          status: "pending",
        },
      ]);
    },

    /** The server refused the pending message (an `error` frame): it leaves the transcript. */
    rejectPending(): string | null {
      const index = state.messages.findIndex((m) => m.status === "pending");
      if (index < 0) return null;
      const text = state.messages[index]?.content ?? null;
      setState("messages", (list) => list.filter((_, i) => i !== index));
      return text;
    },

    /**
     * `connection_ack`: the server's transcript replaces ours (it is the record); an answer
     * still streaming keeps the text already shown and asks to resume after it.
     */
    acknowledge(ack: ConnectionAckData): AckResult {
      const active = ack.active_task;
      const streaming = active
        ? state.messages.find((m) => m.role === "assistant" && m.taskId === active.task_id)
        : undefined;
      const pending = state.messages.find((m) => m.status === "pending");
      const lastUser = ack.history.findLast((m) => m.role === "user");
      const delivered = pending && lastUser && lastUser.content === pending.content.trim();
      const messages: ChatMessage[] = ack.history.map((m) => ({
        key: m.id,
        role: m.role,
        content: m.content,
        sources: m.sources ?? [],
        steps: m.steps ?? [],
        status: m.role === "user" ? "sent" : "done",
      }));
      let resume: ResumeRequest | null = null;
      if (active) {
        const keep =
          streaming && streaming.attempt === active.attempt && streaming.status === "streaming";
        // Steps belong to the task: they survive a new attempt, unlike the answer's text.
        const steps = streaming ? [...streaming.steps] : [];
        messages.push(
          keep
            ? { ...streaming, sources: [...streaming.sources], steps }
            : {
                key: localKey("answer"),
                role: "assistant",
                content: "",
                sources: [],
                steps,
                status: "streaming",
                taskId: active.task_id,
                attempt: active.attempt,
                nextChunk: 0,
              },
        );
        resume = resumeFor(
          active.task_id,
          (keep ? (streaming.nextChunk ?? 0) : 0) - 1,
          active.attempt,
          steps,
        );
      }
      setState("messages", messages);
      return { resume, unsent: pending && !delivered && !active ? pending.content : null };
    },

    /** `chat_processing`: the message was accepted and answering starts (again, for attempt > 1). */
    processing(taskId: string, attempt: number) {
      const pending = state.messages.findIndex((m) => m.status === "pending");
      if (pending >= 0) setState("messages", pending, { status: "sent", taskId });
      const index = assistantFor(taskId);
      if (index < 0) ensureAssistant(taskId, attempt);
      else if ((state.messages[index]?.attempt ?? 0) < attempt) restartAttempt(index, attempt);
    },

    /** One `chat_streaming` frame. Returns a resume to send when a chunk was missed. */
    chunk(taskId: string, data: ChatStreamingData): ResumeRequest | null {
      let index = assistantFor(taskId);
      if (index < 0) index = ensureAssistant(taskId, data.attempt);
      const message = state.messages[index];
      if (!message || message.status === "done") return null;
      const attempt = message.attempt ?? data.attempt;
      if (data.attempt < attempt) return null; // a dropped attempt's late chunk
      if (data.attempt > attempt) restartAttempt(index, data.attempt);
      const next = state.messages[index]?.nextChunk ?? 0;
      if (data.chunk_index < next) return null; // already shown
      if (data.chunk_index > next)
        return resumeFor(taskId, next - 1, data.attempt, state.messages[index]?.steps);
      setState("messages", index, (m) => ({
        content: m.content + data.content,
        nextChunk: next + 1,
        status: "streaming",
      }));
      return null;
    },

    /** One `agent_step` frame: kept in order, once per step number, whatever the attempt. */
    step(data: AgentStepData) {
      let index = assistantFor(data.task_id);
      if (index < 0) index = ensureAssistant(data.task_id, 1);
      const { task_id: _task, ...record } = data;
      setState("messages", index, "steps", (steps) => withStep(steps, record));
    },

    /** `chat_response`: the stored answer and its sources replace the streamed text. */
    respond(taskId: string, data: ChatResponseData) {
      const index = ensureAssistant(taskId, 1);
      setState(
        "messages",
        index,
        produce((m) => {
          m.key = data.message_id;
          m.content = data.message;
          m.sources = data.sources;
          m.status = "done";
          m.error = undefined;
        }),
      );
    },

    /** `chat_error`: the answer failed; the message says why (and whether trying again can help). */
    fail(taskId: string | null, data: ChatErrorData) {
      const error = { code: data.code, message: data.message, retryPossible: data.retry_possible };
      const index = taskId
        ? assistantFor(taskId)
        : state.messages.findLastIndex((m) => m.status === "streaming");
      if (index >= 0) {
        setState("messages", index, { status: "error", error });
        return;
      }
      const pending = state.messages.findIndex((m) => m.status === "pending");
      if (pending >= 0)
        setState("messages", pending, { status: "sent", taskId: taskId ?? undefined });
      setState("messages", (list) => [
        ...list,
        {
          key: localKey("answer"),
          role: "assistant",
          content: "",
          sources: [],
          steps: [],
          status: "error",
          taskId: taskId ?? undefined,
          error,
        },
      ]);
    },

    /** The question a failed answer was for (the visitor message just before it). */
    questionBefore(key: string): string | null {
      const index = state.messages.findIndex((m) => m.key === key);
      for (let i = index - 1; i >= 0; i--) {
        const m = state.messages[i];
        if (m?.role === "user") return m.content;
      }
      return null;
    },
  };
}

export type Transcript = ReturnType<typeof createTranscript>;
