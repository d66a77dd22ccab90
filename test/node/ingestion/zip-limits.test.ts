/**
 * ZIP-based uploads cannot expand without bound: a DOCX bomb, a bomb whose directory lies
 * about its size, an archive of too many entries and a "billion laughs" DTD are each refused
 * at once with a reason for the owner, never a library's internals.
 */
import { describe, expect, it } from "vitest";
import { parseDocx } from "../../../workers/ingestion/docx.ts";
import { LIMITS } from "../../../workers/ingestion/limits.ts";
import { sniffKind } from "../../../workers/ingestion/sniff.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import {
  docxBillionLaughs,
  docxOf,
  docxWithLyingDirectory,
  docxWithManyEntries,
  docxZipBomb,
  wordParagraph,
} from "../../support/hostile-files.ts";

const failure = (bytes: Uint8Array) =>
  parseDocx(bytes).then(
    () => null,
    (err: unknown) => err,
  );
/** Words that only a library would write: the owner must never see them. */
const INTERNALS = /xmldom|jszip|@#\[line|Bug :|undefined|stack/i;

describe("ZIP limits on DOCX", () => {
  it("refuses a 350 KB DOCX whose document.xml expands to 100 MB, naming the limit", async () => {
    const bomb = docxZipBomb(100);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    expect(sniffKind(bomb, "bomb.docx")).toBe("docx");
    const error = await failure(bomb);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      message:
        "this Word document expands to more than 32 MB when unpacked, more than can be read safely; split it into smaller documents",
    });
  });

  it("stops inflating a part whose central directory claims 10 KB but which inflates to 100 MB", async () => {
    const error = await failure(docxWithLyingDirectory(100));
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "DOCUMENT_TOO_LARGE" });
    expect((error as ParseError).message).toMatch(/expands to more than 32 MB/);
  });

  it("refuses a part compressed far beyond what Word writes even under the size limit", async () => {
    // 20 MB of one repeated paragraph deflates ~500:1; Word's XML deflates 8-20:1.
    const error = await failure(docxZipBomb(20));
    expect(error).toMatchObject({ code: "DOCUMENT_TOO_LARGE" });
    expect((error as ParseError).message).toMatch(/compressed more than 100:1/);
  });

  it("refuses an archive of more entries than the limit, and still reads one just under it", async () => {
    const error = await failure(docxWithManyEntries(LIMITS.zipEntries));
    expect(error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      message:
        "this Word document holds 2,003 files inside its archive, more than the 2,000 accepted",
    });
    const fine = await parseDocx(docxWithManyEntries(LIMITS.zipEntries - 3));
    expect(fine.sections[0]?.text).toBe("Hello");
  });

  it("refuses a billion-laughs DTD with a sentence for the owner instead of xmldom's error", async () => {
    const error = await failure(docxBillionLaughs());
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "MALFORMED_DOCUMENT" });
    expect((error as ParseError).message).toMatch(
      /^this Word document declares its own XML entities/,
    );
    expect((error as ParseError).message).not.toMatch(INTERNALS);
  });

  it("refuses XML nested deeper than the limit before mammoth recurses into it", async () => {
    const depth = LIMITS.xmlDepth + 10;
    const error = await failure(
      docxOf(
        `${"<w:sdt><w:sdtContent>".repeat(depth / 2)}${wordParagraph("deep")}${"</w:sdtContent></w:sdt>".repeat(depth / 2)}`,
      ),
    );
    expect(error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      message:
        "this Word document is nested more than 1,000 levels deep, more than can be read safely",
    });
  });

  it("says a damaged part is damaged without quoting the library", async () => {
    const broken = docxOf(`${wordParagraph("open")}<w:p>`);
    const error = await failure(broken);
    expect(error).toMatchObject({ code: "MALFORMED_DOCUMENT" });
    expect((error as ParseError).message).not.toMatch(INTERNALS);
  });
});
