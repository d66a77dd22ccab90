/**
 * The visitor's chat session per agent, kept in localStorage so a reload (or another tab)
 * reconnects to the same conversation: the server's connection_ack then brings the transcript
 * back. Only what chat/init returned is kept: the session id, its token and socket address,
 * and when the token expires (an expired one is dropped rather than tried).
 */
import { z } from "zod";

const StoredSessionSchema = z.object({
  session_id: z.string(),
  session_token: z.string(),
  websocket_url: z.string(),
  expires_at: z.string(),
  /** What chat/init said of the server's limit and of how this agent answers (newer servers). */
  max_message_chars: z.number().int().min(1).optional(),
  quotes_only: z.boolean().optional(),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

const PREFIX = "nooble.chat.";

export function sessionKey(agentId: string, owner = false): string {
  return `${PREFIX}${owner ? "owner." : ""}${agentId}`;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy settings): the chat still works, without reloads
  }
}

export function loadSession(key: string, now = Date.now()): StoredSession | null {
  const raw = storage()?.getItem(key);
  if (!raw) return null;
  try {
    const session = StoredSessionSchema.parse(JSON.parse(raw));
    if (Date.parse(session.expires_at) - now < 60_000) {
      storage()?.removeItem(key);
      return null;
    }
    return session;
  } catch {
    storage()?.removeItem(key);
    return null;
  }
}

export function saveSession(key: string, session: StoredSession): void {
  try {
    storage()?.setItem(key, JSON.stringify(StoredSessionSchema.parse(session)));
  } catch {
    // full or disabled storage: this page keeps working, a reload starts over
  }
}

export function forgetSession(key: string): void {
  storage()?.removeItem(key);
}
