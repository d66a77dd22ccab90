/**
 * The answer to one chat turn: picks the provider for the agent's model, builds the prompt,
 * streams the answer into a sink (the ChatSession relays each delta), retries transient
 * provider failures as new attempts, and classifies what cannot be retried. Library code: the
 * session's Durable Object calls it (durable-objects/chat-session/chat-session.run.ts).
 */
import type { Source, Usage } from "../../shared/conversation.ts";
import type { ExecutionMode } from "../../shared/protocol/chat.ts";
import type { AgentSnapshot } from "./agent-snapshot.ts";
import type { WorkerEnv } from "../env.ts";
import { withRetries } from "../llm/retry.ts";
import { selectProvider } from "../llm/select.ts";
import { streamGuarded } from "../llm/guarded-stream.ts";
import { LLMError } from "../llm/types.ts";
import type { ChatTurn, Passage } from "../llm/types.ts";
import { CitationRenumberer, citedSources } from "./citations.ts";
import { buildPrompt, historyWindow } from "./prompt.ts";

/** What a turn retrieved, and the query searched when it differs from the message (advanced mode). */
export interface Retrieved {
  passages: Passage[];
  searchQuery?: string;
}

/** Where the answer goes while it streams. */
export interface TaskSink {
  /** A new attempt starts (1, 2, ...): whatever earlier attempts streamed is void. */
  startAttempt(attempt: number): void;
  delta(text: string): void;
}

export interface ChatTaskInput {
  env: WorkerEnv;
  agent: AgentSnapshot;
  mode: ExecutionMode;
  /** Earlier turns of the session, oldest first, without the current message. */
  history: ChatTurn[];
  userMessage: string;
  maxAnswerTokens: number;
  /** No delta for this long counts as a stalled provider (a retryable timeout). */
  stallMs: number;
  /** Retrieval seam: the session plugs retrieve.ts in here; absent means no retrieval. */
  retrieve?: (query: string, agent: AgentSnapshot) => Promise<Retrieved>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  maxAttempts?: number;
  /** Told of each failed attempt (retried or not), for the logs. */
  onAttemptFailed?: (attempt: number, err: unknown) => void;
}

export interface ChatTaskResult {
  text: string;
  usage: Usage;
  model: string;
  provider: string;
  sources: Source[];
  attempts: number;
  timeToFirstTokenMs: number | null;
}

/** A turn that failed for good, with what the visitor is told. */
export class ChatTaskError extends Error {
  readonly code: string;
  readonly retryPossible: boolean;
  constructor(code: string, message: string, retryPossible: boolean) {
    super(message);
    this.name = "ChatTaskError";
    this.code = code;
    this.retryPossible = retryPossible;
  }
}

export async function runChatTask(input: ChatTaskInput, sink: TaskSink): Promise<ChatTaskResult> {
  if (input.mode === "advanced") {
    throw new ChatTaskError(
      "MODE_UNAVAILABLE",
      "Advanced (reasoning with tools) mode is not available yet. Send the message in simple mode.",
      false,
    );
  }
  const { agent } = input;
  const exec = agent.execution_config;
  const provider = selectProvider(
    input.env,
    exec.model,
    input.fetch ? { fetch: input.fetch } : undefined,
  );
  const retrieved: Retrieved =
    agent.query_config.mode === "simple" || !input.retrieve
      ? { passages: [] }
      : await input.retrieve(input.userMessage, agent);
  const { passages, searchQuery } = retrieved;
  const messages = buildPrompt({
    systemPrompt: agent.system_prompt,
    passages,
    history: historyWindow(input.history, exec.history_window),
    userMessage: input.userMessage,
  });
  const started = Date.now();
  let attempt = 0;
  let firstTokenAt: number | null = null;

  const once = async () => {
    attempt += 1;
    sink.startAttempt(attempt);
    let text = "";
    let usage: Usage | null = null;
    const citations = new CitationRenumberer(passages.length);
    const emit = (chunk: string) => {
      if (!chunk) return;
      firstTokenAt ??= Date.now();
      text += chunk;
      sink.delta(chunk);
    };
    try {
      await streamGuarded(
        provider,
        {
          model: exec.model,
          messages,
          temperature: exec.temperature,
          max_tokens: Math.min(exec.max_tokens, input.maxAnswerTokens),
          top_p: exec.top_p,
          passages,
          ...(searchQuery !== undefined ? { searchQuery } : {}),
        },
        input.stallMs,
        (event) => {
          if (event.type === "delta") emit(citations.push(event.text));
          else if (event.type === "usage") usage = event.usage;
        },
      );
      emit(citations.flush());
    } catch (err) {
      input.onAttemptFailed?.(attempt, err);
      throw err;
    }
    return { text, usage, cited: citations.cited };
  };

  try {
    const { text, usage, cited } = await withRetries(once, {
      maxAttempts: input.maxAttempts ?? 3,
      ...(input.sleep ? { sleep: input.sleep } : {}),
    });
    return {
      text,
      usage: usage ?? estimateUsage(messages, text),
      model: exec.model,
      provider: provider.name,
      sources: citedSources(passages, cited),
      attempts: attempt,
      timeToFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
    };
  } catch (err) {
    throw toChatTaskError(err);
  }
}

function estimateUsage(messages: ChatTurn[], answer: string): Usage {
  const prompt = Math.ceil(messages.reduce((n, m) => n + m.content.length, 0) / 4);
  const completion = Math.ceil(answer.length / 4);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

export function toChatTaskError(err: unknown): ChatTaskError {
  if (err instanceof ChatTaskError) return err;
  if (err instanceof LLMError) {
    switch (err.kind) {
      case "rate_limited":
        return new ChatTaskError(
          "LLM_RATE_LIMITED",
          "The language model is busy right now. Try again in a moment.",
          true,
        );
      case "timeout":
        return new ChatTaskError(
          "LLM_TIMEOUT",
          "The language model took too long to answer. Try again.",
          true,
        );
      case "rejected":
        return new ChatTaskError(
          "LLM_REQUEST_REJECTED",
          "The language model refused this request. Try rephrasing your message.",
          false,
        );
      case "auth":
        return new ChatTaskError(
          "LLM_AUTH_FAILED",
          "This agent's language model is not set up correctly. The owner has been told.",
          false,
        );
      default:
        return new ChatTaskError(
          "LLM_UNAVAILABLE",
          "The language model could not be reached. Try again.",
          true,
        );
    }
  }
  return new ChatTaskError(
    "INTERNAL_ERROR",
    "Something went wrong while answering. Try again.",
    true,
  );
}
