/**
 * Charset detection for text, Markdown, CSV and HTML uploads: byte-order marks win over
 * declarations, BOM-less UTF-16 is recognised by its NUL pattern, valid UTF-8 is UTF-8, a
 * declared charset is used only when the bytes are not UTF-8, and Windows-1252 is the last
 * resort. Never U+FFFD in the result.
 */
import { describe, expect, it } from "vitest";
import { decodeText, repairMojibake } from "../../../workers/ingestion/decode.ts";
import { readEvalDoc } from "./eval-docs.ts";

function utf16(text: string, endian: "le" | "be", bom: boolean): Uint8Array {
  const out: number[] = bom ? (endian === "le" ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out.push(...(endian === "le" ? [c & 0xff, c >> 8] : [c >> 8, c & 0xff]));
  }
  return new Uint8Array(out);
}

describe("decodeText", () => {
  it("follows UTF-8 and UTF-16 byte-order marks", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0x69]))).toMatchObject({
      text: "hi",
      charset: "utf-8",
    });
    expect(decodeText(utf16("Grüße", "le", true))).toMatchObject({
      text: "Grüße",
      charset: "utf-16le",
    });
    expect(decodeText(utf16("Grüße", "be", true))).toMatchObject({
      text: "Grüße",
      charset: "utf-16be",
    });
  });

  it("recognises UTF-16 without a byte-order mark", () => {
    const sentence = "This file has no BOM at all, just two bytes per character.";
    expect(decodeText(utf16(sentence, "le", false))).toMatchObject({
      text: sentence,
      charset: "utf-16le",
    });
    expect(decodeText(utf16(sentence, "be", false))).toMatchObject({
      text: sentence,
      charset: "utf-16be",
    });
  });

  it("reads Windows-1252 smart quotes, the euro sign and umlauts when the bytes are not UTF-8", () => {
    const bytes = new Uint8Array([
      0x93, 0x53, 0x6f, 0x20, 0x73, 0x63, 0x68, 0xf6, 0x6e, 0x94, 0x20, 0x80, 0x35,
    ]);
    const decoded = decodeText(bytes);
    expect(decoded).toMatchObject({ text: "\u201cSo schön\u201d €5", charset: "windows-1252" });
    expect(decoded?.note).toContain("Windows-1252");
    expect(decodeText(readEvalDoc("umlauts-non-utf8.md"))?.text).toBe(
      "## können\n\nkönnen\n\näöüß\n",
    );
  });

  it("lets the byte-order mark beat a lying meta charset and says so", () => {
    const decoded = decodeText(readEvalDoc("example-steelJIS-datasheet-utf-16.html"));
    expect(decoded?.charset).toBe("utf-16le");
    expect(decoded?.text).toContain("Alloy steel bars for special application bolting materials");
    expect(decoded?.note).toMatch(/declared charset "utf-8" was ignored/);
  });

  it("uses a declared charset only when the bytes are not valid UTF-8", () => {
    const cyrillic = new Uint8Array([
      ...new TextEncoder().encode('<meta charset="windows-1251"><p>'),
      0xcf,
      0xf0,
      0xe8,
      0xe2,
      0xe5,
      0xf2,
    ]);
    expect(decodeText(cyrillic)).toMatchObject({
      charset: "windows-1251",
      text: '<meta charset="windows-1251"><p>Привет',
    });
    const reallyUtf8 = new TextEncoder().encode('<meta charset="iso-8859-1"><p>Привет');
    expect(decodeText(reallyUtf8)).toMatchObject({
      charset: "utf-8",
      text: '<meta charset="iso-8859-1"><p>Привет',
    });
  });

  it("refuses bytes that are not text", () => {
    expect(decodeText(new Uint8Array([0x00, 0x01, 0x02, 0x03, 0xff, 0x00, 0x10, 0x80]))).toBeNull();
    expect(decodeText(Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 32))).toBeNull();
  });
});

describe("repairMojibake", () => {
  it("turns double-encoded en dashes back into en dashes and leaves real Latin-1 text alone", () => {
    expect(repairMojibake("1968\u00e2\u0080\u00932004")).toEqual({
      text: "1968–2004",
      repaired: 1,
    });
    expect(repairMojibake("Ã la carte, Â©")).toEqual({ text: "Ã la carte, Â©", repaired: 0 });
  });
});
