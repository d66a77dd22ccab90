/**
 * The one rule for control characters in text that comes in: every request body, query
 * parameter and WebSocket frame builds its string fields from these two schemas.
 *
 * Why: Postgres `text` and `jsonb` cannot hold NUL (U+0000), so one NUL in a field used to
 * fail the write with a 500; and the other control characters (C0 U+0000-U+001F, DEL U+007F,
 * C1 U+0080-U+009F) are never typed by a person, only pasted or sent by a broken client, and
 * can hide text or move a terminal's cursor when shown. A lone UTF-16 surrogate (half of an
 * emoji, cut) is no character at all, and jsonb refuses it as it refuses NUL.
 *
 * - `singleLineText()`: names, ids, icons, search terms, URLs, metadata keys. A control
 *   character, including tab and line breaks, is refused: 400 VALIDATION_FAILED naming the
 *   field and the character. Changing an identifier silently would make it name something
 *   the client did not send.
 * - `freeText()`: multi-line text a person writes or pastes (descriptions, prompts, chat
 *   messages, pasted documents, metadata values). Control characters other than tab, line
 *   feed and carriage return are removed before any length or emptiness check: text copied
 *   from PDFs and word processors carries stray NULs, form feeds and vertical tabs its writer
 *   never saw, and refusing would send them hunting for an invisible character. What is left
 *   is checked as usual, so a chat message made only of NULs is an empty message.
 *
 * Storage keeps its own guard (workers/db/client.ts `withoutNul`) for text that never passed
 * through these schemas: LLM answers, parsed documents, names from fetched URLs.
 */
import { z } from "zod";

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const STRIPPED_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// By UTF-16 code unit (no `u` flag): a high surrogate without its low half, or a low one alone.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * `value` with each lone surrogate replaced by U+FFFD, as `String.prototype.toWellFormed` does
 * (ES2024, newer than the lib this code and the web app compile against).
 */
export const wellFormed = (value: string): string => value.replace(LONE_SURROGATE, "\ufffd");

const codePoint = (c: string) =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Why `value` is not acceptable single-line text, or null. */
export function controlCharacterProblem(value: string): string | null {
  const lone = new RegExp(LONE_SURROGATE.source).exec(value);
  if (lone)
    return `must be valid Unicode text (found a lone surrogate ${codePoint(lone[0])} at character ${lone.index + 1}, half of a character): send the whole character`;
  const found = CONTROL_CHARACTER.exec(value);
  if (!found) return null;
  return `must not contain control characters such as NUL, tabs or line breaks (found ${codePoint(found[0])} at character ${found.index + 1}): remove it and send again`;
}

/** Free text with its control characters removed (tab, line feed and carriage return kept) and lone surrogates replaced by U+FFFD. */
export const stripControlCharacters = (value: string): string =>
  wellFormed(value.replace(STRIPPED_CHARACTERS, ""));

/** The single-line check, for string formats that are not plain `z.string()` (`z.url()`). */
export const noControlCharacters = z.superRefine<string>((value, ctx) => {
  const problem = controlCharacterProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A string that refuses control characters; chain `.trim()`, `.min()`, `.max()` as usual. */
export const singleLineText = () => z.string().check(noControlCharacters);

/** A string whose control characters (but tab and line breaks) are removed before later checks. */
export const freeText = () => z.string().overwrite(stripControlCharacters);
