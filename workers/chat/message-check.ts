/**
 * The one check of a visitor message's text, shared by the ChatSession (socket and REST turns)
 * and `chat/init`'s `initial_message`, so every way in answers the same codes.
 */
export type MessageCheck =
  | { ok: true; text: string }
  | { ok: false; code: "MESSAGE_EMPTY" | "MESSAGE_TOO_LONG"; message: string; status: 400 | 413 };

/** Trims the message and checks it is not empty and at most `maxChars` characters. */
export function checkChatMessage(content: string, maxChars: number): MessageCheck {
  const text = content.trim();
  if (!text) return { ok: false, code: "MESSAGE_EMPTY", message: "The message is empty.", status: 400 };
  if (text.length > maxChars) {
    return { ok: false, code: "MESSAGE_TOO_LONG", message: `Messages can be at most ${maxChars} characters (this one has ${text.length}).`, status: 413 };
  }
  return { ok: true, text };
}
