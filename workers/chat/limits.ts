/** Chat limits from the environment (wrangler.toml [vars]), with safe fallbacks. */
import { DEFAULT_MAX_MESSAGE_CHARS } from "../../shared/api/chat.ts";
import type { WorkerEnv } from "../env.ts";

export interface ChatLimits {
  maxMessageChars: number;
  messagesPerMinute: number;
  maxAnswerTokens: number;
  taskStallMs: number;
  idleMs: number;
  sessionTtlSeconds: number;
}

const int = (value: string | undefined, fallback: number, min: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n >= min ? Math.floor(n) : fallback;
};

export function chatLimits(
  env: Partial<
    Pick<
      WorkerEnv,
      | "CHAT_MAX_MESSAGE_CHARS"
      | "CHAT_MESSAGES_PER_MINUTE"
      | "CHAT_MAX_ANSWER_TOKENS"
      | "CHAT_TASK_STALL_MS"
      | "CHAT_IDLE_MS"
      | "CHAT_SESSION_TTL_SECONDS"
    >
  >,
): ChatLimits {
  return {
    maxMessageChars: int(env.CHAT_MAX_MESSAGE_CHARS, DEFAULT_MAX_MESSAGE_CHARS, 1),
    messagesPerMinute: int(env.CHAT_MESSAGES_PER_MINUTE, 20, 1),
    maxAnswerTokens: int(env.CHAT_MAX_ANSWER_TOKENS, 4096, 1),
    taskStallMs: int(env.CHAT_TASK_STALL_MS, 60_000, 100),
    idleMs: int(env.CHAT_IDLE_MS, 1_800_000, 1000),
    sessionTtlSeconds: int(env.CHAT_SESSION_TTL_SECONDS, 86_400, 60),
  };
}
