/**
 * The one check of a visitor message's text, shared by the ChatSession (socket and REST turns)
 * and `chat/init`'s `initial_message`, so every way in answers the same codes.
 */
import { stripControlCharacters } from "../../shared/text.ts";

export type MessageCheck =
  | { ok: true; text: string }
  | { ok: false; code: "MESSAGE_EMPTY" | "MESSAGE_TOO_LONG"; message: string; status: 400 | 413 };

/**
 * Drops control characters (the free-text rule of shared/text.ts, applied here too because the
 * ChatSession's RPC is a way in of its own), trims, and checks the message is not empty and at
 * most `maxChars` characters: a message made only of NULs is empty, never stored.
 */
export function checkChatMessage(content: string, maxChars: number): MessageCheck {
  const text = stripControlCharacters(content).trim();
  if (!text)
    return { ok: false, code: "MESSAGE_EMPTY", message: "The message is empty.", status: 400 };
  if (text.length > maxChars) {
    return {
      ok: false,
      code: "MESSAGE_TOO_LONG",
      message: `Messages can be at most ${maxChars} characters (this one has ${text.length}).`,
      status: 413,
    };
  }
  return { ok: true, text };
}
