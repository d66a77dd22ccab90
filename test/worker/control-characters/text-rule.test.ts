/**
 * The control-character rule of shared/text.ts itself: single-line text refuses every C0, DEL
 * and C1 character (tab and line breaks too) and says which and where; free text drops them
 * but keeps tab, line feed and carriage return, before its length and emptiness checks.
 */
import { describe, expect, it } from "vitest";
import { freeText, singleLineText } from "../../../shared/text.ts";

const line = singleLineText().trim().min(1).max(10);
const free = freeText().trim().min(1, "must not be empty").max(10);

describe("the control-character rule", () => {
  it.each(["\u0000", "\t", "\n", "\r", "\u001f", "\u007f", "\u0085", "\u009f"])(
    "refuses %j in single-line text, naming the character and its place",
    (c) => {
      const result = line.safeParse(`ab${c}`);
      expect(result.success).toBe(false);
      const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
      expect(result.error?.issues[0]?.message).toContain(`found ${code} at character 3`);
    },
  );

  it("accepts printable single-line text, accents, emoji and right-to-left scripts included", () => {
    for (const ok of ["Volcano", "Café ☕", "🌋 Lava", "مرحبا", "\u00a0nbsp"])
      expect(line.safeParse(ok).success, ok).toBe(true);
  });

  it("refuses half a character (a lone surrogate) in single-line text and replaces it in free text", () => {
    expect(line.safeParse("a\ud83cb").error?.issues[0]?.message).toContain(
      "lone surrogate U+D83C at character 2",
    );
    expect(line.safeParse("a\udf0bb").success).toBe(false);
    expect(line.safeParse("a\ud83c\udf0bb").success).toBe(true);
    expect(free.parse("a\ud83cb\udf0b")).toBe("a\ufffdb\ufffd");
  });

  it("drops control characters from free text but keeps tab and line breaks", () => {
    expect(free.parse("a\u0000b\u0007\tc\r\nd\u009b")).toBe("ab\tc\r\nd");
  });

  it("checks free text's length and emptiness after dropping", () => {
    expect(free.safeParse("\u0000\u0000 \u001b").error?.issues[0]?.message).toBe(
      "must not be empty",
    );
    expect(free.parse(`${"\u0000".repeat(50)}0123456789`)).toBe("0123456789");
  });
});
