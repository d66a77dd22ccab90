/**
 * Plain text: decoded whatever its charset, repaired where UTF-8 was encoded twice,
 * stripped of control characters, and refused when there is nothing in it.
 */
import { describe, expect, it } from "vitest";
import { parseText } from "../../../workers/ingestion/text.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import { readEvalDoc } from "./eval-docs.ts";

describe("parseText", () => {
  it("repairs double-encoded dashes in real dirty text and says how many", async () => {
    const doc = await parseText(readEvalDoc("norwich-city.txt"));
    const text = doc.sections[0]?.text ?? "";
    expect(text).not.toMatch(/\u00e2\u0080/);
    expect(text).toContain("–");
    expect(doc.warnings).toContain(
      "Repaired 152 characters that had been encoded twice (mojibake).",
    );
  });

  it("reads UTF-16 text with a byte-order mark", async () => {
    const doc = await parseText(readEvalDoc("fake-text-utf-16.txt"));
    expect(doc.sections[0]?.text).toContain("This is a test document to use for unit tests.");
    expect(doc.warnings[0]).toMatch(/UTF-16LE/);
  });

  it("normalises line endings and drops control characters", async () => {
    const doc = await parseText(
      new TextEncoder().encode("one\r\ntwo\u0007\rthree\n\n\n\nfour  \n"),
    );
    expect(doc.sections).toEqual([
      { text: "one\ntwo\nthree\n\nfour", page: null, heading_path: [] },
    ]);
    expect(doc.chars).toBe(19);
  });

  it("refuses an empty file and a file of only whitespace as having no extractable text", async () => {
    for (const bytes of [new Uint8Array(0), new TextEncoder().encode(" \n\t\n ")]) {
      const error = await parseText(bytes).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(ParseError);
      expect(error).toMatchObject({ code: "NO_EXTRACTABLE_TEXT" });
    }
  });

  it("refuses binary content as malformed rather than storing garbage", async () => {
    const error = await parseText(Uint8Array.from({ length: 64 }, (_, i) => (i * 7) % 20)).catch(
      (err: unknown) => err,
    );
    expect(error).toMatchObject({ code: "MALFORMED_DOCUMENT" });
  });
});
