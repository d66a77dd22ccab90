/**
 * The one interface every LLM provider implements (Groq, OpenAI-compatible, the offline
 * extractive provider). Providers stream; the chat turn (workers/chat/run-chat-task.ts) relays each delta.
 */
import type { Usage } from "../../shared/conversation.ts";

export interface ChatTurn {
  role: "system" | "user" | "assistant";
  content: string;
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
  messages: ChatTurn[];
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

export type StreamEvent = { type: "delta"; text: string } | { type: "usage"; usage: Usage };

export interface LLMProvider {
  readonly name: "groq" | "openai" | "extractive";
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
