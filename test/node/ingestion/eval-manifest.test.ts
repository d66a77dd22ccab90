/**
 * Every file of the eval manifest, sniffed, parsed and chunked (512 tokens, 50 overlap) as
 * the ingestion pipeline does, behaves as its `expect` says. For `text` and `sniff` files
 * each must_contain string is in the extracted text and whole inside at least one chunk,
 * after whitespace normalisation (PDF line breaks and HTML indentation are layout, not text;
 * the strings themselves are compared exactly otherwise).
 */
import { describe, expect, it } from "vitest";
import { chunkDocument } from "../../../workers/ingestion/chunk.ts";
import { parseDocument } from "../../../workers/ingestion/parse.ts";
import { sniffKind } from "../../../workers/ingestion/sniff.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import type { ParseErrorCode } from "../../../workers/ingestion/types.ts";
import { manifest, normaliseSpace, readEvalDoc, realKind } from "./eval-docs.ts";
import type { ManifestEntry } from "./eval-docs.ts";

const OPTIONS = { chunk_size: 512, chunk_overlap: 50 };
const files = manifest();

async function ingest(entry: ManifestEntry) {
  const bytes = readEvalDoc(entry.file);
  const kind = sniffKind(bytes, entry.file);
  if (kind === null) throw new Error(`${entry.file} was refused as an unsupported type`);
  const doc = await parseDocument(bytes, kind);
  return { kind, doc, chunks: chunkDocument(doc, OPTIONS) };
}

async function failure(entry: ManifestEntry): Promise<ParseError> {
  const error = await ingest(entry).then(
    () => null,
    (err: unknown) => err,
  );
  if (!(error instanceof ParseError))
    throw new Error(`${entry.file} should fail with a ParseError, got ${String(error)}`);
  expect(error.message.length).toBeGreaterThan(20);
  return error;
}

describe("the eval manifest", () => {
  it("lists the 30 documents", () => {
    expect(files).toHaveLength(30);
  });

  const readable = files.filter((f) => f.expect === "text" || f.expect === "sniff");
  it.each(readable.map((f) => [f.file, f] as const))(
    "ingests %s with every must_contain string retrievable from one chunk",
    async (_name, entry) => {
      const { kind, doc, chunks } = await ingest(entry);
      expect(kind).toBe(realKind(entry));
      const text = normaliseSpace(doc.sections.map((s) => s.text).join("\n\n"));
      const chunkTexts = chunks.map((c) => normaliseSpace(c.text));
      for (const needle of entry.must_contain.map(normaliseSpace)) {
        expect(text).toContain(needle);
        expect(
          chunkTexts.some((c) => c.includes(needle)),
          `"${needle}" is not whole in any chunk`,
        ).toBe(true);
      }
      expect(chunks.every((c) => c.token_count <= OPTIONS.chunk_size)).toBe(true);
    },
  );

  const empty = files.filter((f) => f.expect === "empty");
  it.each(empty.map((f) => [f.file, f] as const))(
    "reports no extractable text for %s",
    async (_name, entry) => {
      const error = await failure(entry);
      expect(error.code).toBe("NO_EXTRACTABLE_TEXT");
      expect(error.message).toMatch(/no extractable text/);
    },
  );

  const imageOnly = files.filter((f) => f.expect === "no_text_layer");
  it.each(imageOnly.map((f) => [f.file, f] as const))(
    "says %s has no text layer and OCR is not available",
    async (_name, entry) => {
      const error = await failure(entry);
      expect(error.code).toBe("IMAGE_ONLY_PDF");
      expect(error.message).toBe(
        "this PDF has no text layer (scanned images); OCR is not available",
      );
    },
  );

  const expectedErrors: Record<string, { code: ParseErrorCode; message: RegExp }> = {
    "password.pdf": { code: "ENCRYPTED_DOCUMENT", message: /password-protected/ },
    "empty.pdf": { code: "MALFORMED_DOCUMENT", message: /empty \(0 bytes\)/ },
  };
  const rejected = files.filter((f) => f.expect === "error");
  it.each(rejected.map((f) => [f.file, f] as const))(
    "rejects %s with a clear error",
    async (_name, entry) => {
      const expected = expectedErrors[entry.file];
      if (!expected) throw new Error(`no expected error written down for ${entry.file}`);
      const error = await failure(entry);
      expect(error.code).toBe(expected.code);
      expect(error.message).toMatch(expected.message);
    },
  );
});
