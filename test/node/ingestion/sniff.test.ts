/**
 * Upload types are decided by content: a lying extension is read as what the file really
 * is, and anything that is not a document we accept (images, executables, other archives,
 * random bytes) is refused with null, which the API turns into a 415.
 */
import { describe, expect, it } from "vitest";
import { sniffKind } from "../../../workers/ingestion/sniff.ts";
import { readEvalDoc } from "./eval-docs.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A ZIP archive of stored (uncompressed) entries: enough for a central-directory reader. */
function zip(names: string[]): Uint8Array {
  const parts: number[] = [];
  const central: number[] = [];
  const u16 = (n: number) => [n & 0xff, n >> 8];
  const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24];
  for (const name of names) {
    const offset = parts.length;
    const bytes = [...utf8(name)];
    parts.push(
      ...u32(0x04034b50),
      ...u16(20),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(0),
      ...u32(0),
      ...u32(0),
      ...u16(bytes.length),
      ...u16(0),
      ...bytes,
    );
    central.push(
      ...u32(0x02014b50),
      ...u16(20),
      ...u16(20),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(0),
      ...u32(0),
      ...u32(0),
    );
    central.push(
      ...u16(bytes.length),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u16(0),
      ...u32(0),
      ...u32(offset),
      ...bytes,
    );
  }
  const eocd = [
    ...u32(0x06054b50),
    ...u16(0),
    ...u16(0),
    ...u16(names.length),
    ...u16(names.length),
    ...u32(central.length),
    ...u32(parts.length),
    ...u16(0),
  ];
  return new Uint8Array([...parts, ...central, ...eocd]);
}

/** Deterministic pseudo-random bytes (a linear congruential generator). */
function junk(length: number, seed: number): Uint8Array {
  let state = seed;
  return Uint8Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  });
}

describe("sniffKind", () => {
  it("reads a DOCX named .pdf as DOCX and a PDF named .txt as PDF", () => {
    expect(
      sniffKind(
        readEvalDoc("misnamed-docx-tables.pdf"),
        "misnamed-docx-tables.pdf",
        "application/pdf",
      ),
    ).toBe("docx");
    expect(
      sniffKind(readEvalDoc("misnamed-pdf-memo.txt"), "misnamed-pdf-memo.txt", "text/plain"),
    ).toBe("pdf");
  });

  it("finds a PDF header behind up to a kilobyte of leading junk", () => {
    const padded = new Uint8Array([...utf8("x".repeat(600)), ...utf8("%PDF-1.7\n")]);
    expect(sniffKind(padded)).toBe("pdf");
  });

  it("refuses images, executables, random bytes and ZIP archives that are not Word documents", () => {
    const png = new Uint8Array([
      0x89,
      0x50,
      0x4e,
      0x47,
      0x0d,
      0x0a,
      0x1a,
      0x0a,
      ...utf8("IHDR plain looking text after the header"),
    ]);
    expect(sniffKind(png, "photo.txt")).toBeNull();
    expect(
      sniffKind(
        new Uint8Array([0x4d, 0x5a, ...utf8("This program cannot be run in DOS mode")]),
        "setup.md",
      ),
    ).toBeNull();
    expect(sniffKind(junk(4096, 7), "notes.txt")).toBeNull();
    expect(sniffKind(junk(40, 11))).toBeNull();
    expect(sniffKind(zip(["xl/workbook.xml", "[Content_Types].xml"]), "sheet.docx")).toBeNull();
    expect(sniffKind(zip(["[Content_Types].xml", "word/document.xml"]), "letter.zip")).toBe("docx");
  });

  it("recognises HTML by its markup, even in UTF-16 and without a telling name", () => {
    expect(sniffKind(utf8("<!DOCTYPE html><title>x</title><p>Hello</p>"), "page.txt")).toBe("html");
    expect(sniffKind(readEvalDoc("example-steelJIS-datasheet-utf-16.html"))).toBe("html");
    expect(sniffKind(utf8("<div><p>One</p><p>Two</p></div>"))).toBe("html");
    expect(sniffKind(utf8("a < b and c > d, as everyone knows"))).toBe("text");
  });

  it("recognises CSV by a steady delimiter count and plain prose as text", () => {
    expect(sniffKind(utf8("a,b,c\n1,2,3\n4,5,6\n"))).toBe("csv");
    expect(sniffKind(utf8("name;city\nAnn;Oslo\nBo;Rome\n"))).toBe("csv");
    expect(sniffKind(utf8("name\tcity\nAnn\tOslo\n"), "people.tsv")).toBe("csv");
    expect(
      sniffKind(utf8("Hello, world.\nThis line, unlike the first, has two commas.\nNone here.\n")),
    ).toBe("text");
  });

  it("takes Markdown from the name or from clear Markdown syntax", () => {
    expect(sniffKind(readEvalDoc("umlauts-non-utf8.md"), "umlauts-non-utf8.md")).toBe("markdown");
    expect(sniffKind(utf8("just a line"), "notes.md")).toBe("markdown");
    expect(
      sniffKind(utf8("# Title\n\nSee [the docs](https://example.com).\n\n- one\n- two\n")),
    ).toBe("markdown");
    expect(sniffKind(utf8("# not a heading, just a hash\nplain text otherwise\n"))).toBe("text");
  });

  it("names an empty file by its extension, defaulting to text", () => {
    expect(sniffKind(new Uint8Array(0), "empty.pdf")).toBe("pdf");
    expect(sniffKind(new Uint8Array(0), "empty.txt")).toBe("text");
    expect(sniffKind(new Uint8Array(0))).toBe("text");
  });
});
