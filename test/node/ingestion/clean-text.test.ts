/**
 * The text clean-up every parser ends with (document.ts cleanText). Trailing blanks used to be
 * removed with a regex that retried from every space of a run not ending its line: quadratic,
 * so a Markdown list nested 3,000 deep (9 MB) took 38 s and a run of a million spaces before a
 * word would never have finished. These inputs finish only if the clean-up is linear.
 */
import { describe, expect, it } from "vitest";
import { cleanText } from "../../../workers/ingestion/document.ts";
import { parseText } from "../../../workers/ingestion/text.ts";

describe("cleanText", () => {
  it("trims trailing spaces and tabs of each line and keeps at most one blank line", () => {
    expect(cleanText("a  \t\nb\t\n\n\n\nc \r\nd\f e")).toBe("a\nb\n\nc\nd\n\n e");
  });

  it("keeps a run of a million spaces inside a line and drops one at a line's end", () => {
    const run = " ".repeat(1_000_000);
    expect(cleanText(`start${run}x\nnext${run}\nend`)).toBe(`start${run}x\nnext\nend`);
  });

  it("reads a text file of 3,000 ever deeper indented lines (9 MB of spaces)", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => `${"  ".repeat(i)}- item ${i}`).join("\n");
    const doc = await parseText(new TextEncoder().encode(lines));
    expect(doc.chars).toBe(lines.length);
  });
});
