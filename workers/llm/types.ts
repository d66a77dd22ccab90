/**
 * The one interface every LLM provider implements (Groq, OpenAI-compatible, the offline
 * extractive provider). Providers stream; the chat turn (workers/chat/run-chat-task.ts) relays each delta.
 */
import type { Usage } from "../../shared/conversation.ts";

/** A message of the prompt: system, user and assistant text (every provider's common ground). */
export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A tool call the model made, its arguments still the JSON text it sent (validated by the agent loop). */
export interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * The prompt of an advanced-mode turn: the common turns, the model's own turns that called
 * tools, and each tool's result, answering one call by its id (OpenAI's chat format, which
 * Groq and Workers AI share).
 */
export type AgentTurn =
  | ChatTurn
  | { role: "assistant"; content: string; tool_calls: ToolCall[] }
  | { role: "tool"; tool_call_id: string; name: string; content: string };

/** A tool offered to the model: its name, what it does, its arguments' JSON Schema. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A passage retrieved from the agent's knowledge, numbered [1], [2], ... in the prompt. */
export interface Passage {
  document_id: string;
  document_name: string;
  page?: number | null;
  /** The headings the passage sits under ("Pricing › Plans"), when the document has any. */
  section?: string | null;
  text: string;
  /**
   * Its evidence of relevance, the number the agent's similarity threshold was compared with
   * (workers/chat/retrieve.ts `relevanceOf`), so a source never shows a score under it.
   */
  score: number;
}

export interface ChatRequest {
  model: string;
  messages: AgentTurn[];
  /** Tools the model may call (advanced mode); absent or empty: it answers in text. */
  tools?: ToolSpec[];
  temperature: number;
  max_tokens: number;
  top_p: number;
  /** The passages placed in the prompt; the extractive provider answers from these. */
  passages: Passage[];
  /**
   * What the passages were searched for when it is not the visitor's message as sent (the
   * `advanced` query mode's standalone rewrite): the extractive provider quotes against it.
   */
  searchQuery?: string;
  signal?: AbortSignal;
}

/**
 * What a provider streams: text deltas, then (advanced mode) the tool calls the model made,
 * each once and whole (its streamed pieces assembled), then the usage if the provider sent it.
 */
export type StreamEvent =
  | { type: "delta"; text: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "usage"; usage: Usage };

export interface LLMProvider {
  readonly name: "groq" | "openai" | "workers-ai" | "extractive";
  stream(request: ChatRequest): AsyncIterable<StreamEvent>;
}

export type LLMErrorKind =
  "rate_limited" | "server" | "timeout" | "network" | "rejected" | "auth" | "interrupted";

/**
 * A provider failure, classified so the caller can decide: rate_limited/server/timeout/network/
 * interrupted are worth retrying (after `retryAfterMs` when the provider said so); rejected
 * (400-class) and auth (401/403) are not.
 */
export class LLMError extends Error {
  readonly kind: LLMErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: LLMErrorKind,
    message: string,
    opts: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "LLMError";
    this.kind = kind;
    this.status = opts.status;
    this.retryAfterMs = opts.retryAfterMs;
  }

  get retryable(): boolean {
    return this.kind !== "rejected" && this.kind !== "auth";
  }
}
