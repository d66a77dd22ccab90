/**
 * Inputs on which a backtracking regex goes quadratic. The text clean-up every parser ends
 * with (document.ts cleanText) removed trailing blanks with a regex that retried from every
 * space of a run not ending its line: a Markdown list nested 3,000 deep (9 MB) took 38 s and
 * a run of a million spaces before a word would never have finished. Markdown headings had
 * two more: 200,000 spaces inside an ATX heading took 86 s, a heading of a million "[" never
 * finished. These inputs finish only if the code is linear (no timing is asserted: a
 * quadratic version runs into the test's timeout).
 */
import { describe, expect, it } from "vitest";
import { cleanText } from "../../../workers/ingestion/document.ts";
import { LIMITS } from "../../../workers/ingestion/limits.ts";
import { parseMarkdown } from "../../../workers/ingestion/markdown.ts";
import { parseText } from "../../../workers/ingestion/text.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("cleanText", () => {
  it("trims trailing spaces and tabs of each line and keeps at most one blank line", () => {
    expect(cleanText("a  \t\nb\t\n\n\n\nc \r\nd\f e")).toBe("a\nb\n\nc\nd\n\n e");
  });

  it("keeps a run of a million spaces inside a line and drops one at a line's end", () => {
    const run = " ".repeat(1_000_000);
    expect(cleanText(`start${run}x\nnext${run}\nend`)).toBe(`start${run}x\nnext\nend`);
  });

  it("reads a text file of 3,000 ever deeper indented lines (9 MB of spaces)", async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => `${"  ".repeat(i)}- item ${i}`).join(
      "\n",
    );
    const doc = await parseText(new TextEncoder().encode(lines));
    expect(doc.chars).toBe(lines.length);
  });
});

describe("Markdown headings", () => {
  it("reads a heading with 200,000 spaces inside it, and a closing sequence", async () => {
    const doc = await parseMarkdown(bytes(`# Start${" ".repeat(200_000)}end ##\n\nBody text.`));
    // The path keeps the heading's start (cut before the spaces end); the section keeps it all.
    expect(doc.sections[0]?.heading_path).toEqual(["Start"]);
    expect(doc.sections[0]?.text).toMatch(/end ##\n\nBody text\.$/);
  });

  it("reads a heading of a million brackets, keeping at most LIMITS.headingChars of it in the path", async () => {
    const doc = await parseMarkdown(bytes(`# [${"[".repeat(1_000_000)}](x\n\nBody text.`));
    const path = doc.sections[0]?.heading_path[0] ?? "";
    expect(path.length).toBe(LIMITS.headingChars);
    expect(path.endsWith("…")).toBe(true);
  });

  it("still reads ordinary headings and their closing sequences", async () => {
    const doc = await parseMarkdown(bytes("## Title ##\n\nOne.\n\n# C# tips\n\nTwo."));
    expect(doc.sections.map((s) => s.heading_path)).toEqual([["Title"], ["C# tips"]]);
  });
});
