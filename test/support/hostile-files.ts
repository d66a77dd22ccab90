/**
 * Hostile uploads built in memory (no binaries in the repository): the files an attack run
 * used to take the server down or make the queue retry a deterministic failure, plus the
 * legitimate 1M-row CSV that must ingest. Used by the parser tests, the end-to-end upload
 * test and bench/hostile-uploads.ts.
 */
import { zipSync } from "fflate";
import type { Zippable } from "fflate";

const encode = (s: string) => new TextEncoder().encode(s);

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>' +
  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
  "</Types>";
const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
  "</Relationships>";
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';

/** A paragraph of Word XML. */
export const wordParagraph = (text: string) => `<w:p><w:r><w:t>${text}</w:t></w:r></w:p>`;

/** A minimal DOCX whose document.xml is `body` (a DTD or prolog may go in `prolog`). */
export function docxOf(body: string, prolog = ""): Uint8Array {
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>${prolog}<w:document ${W}><w:body>${body}</w:body></w:document>`;
  return zipSync({
    "[Content_Types].xml": encode(CONTENT_TYPES),
    "_rels/.rels": encode(ROOT_RELS),
    "word/document.xml": [encode(document), { level: 9 }],
  } satisfies Zippable);
}

/** ~`megabytes` MB of repetitive paragraphs in document.xml, deflated to a few hundred KB. */
export function docxZipBomb(megabytes = 100): Uint8Array {
  const paragraph = wordParagraph("All work and no play makes Jack a dull boy.");
  return docxOf(paragraph.repeat(Math.ceil((megabytes * 1024 * 1024) / paragraph.length)));
}

/**
 * The bomb again, its central directory and local header claiming document.xml inflates to
 * 10 KB: a check of the declared sizes alone lets it through.
 */
export function docxWithLyingDirectory(megabytes = 100): Uint8Array {
  const zip = docxZipBomb(megabytes);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const name = encode("word/document.xml");
  for (let p = 0; p + 4 <= zip.length; p++) {
    const sig = view.getUint32(p, true);
    // Local file header: size at +22, name at +30; central directory entry: size at +24, name at +46.
    const at =
      sig === 0x04034b50
        ? { size: 22, name: 30 }
        : sig === 0x02014b50
          ? { size: 24, name: 46 }
          : null;
    if (!at || !sameBytes(zip.subarray(p + at.name, p + at.name + name.length), name)) continue;
    view.setUint32(p + at.size, 10_240, true);
  }
  return zip;
}

/** A valid DOCX with `count` extra (tiny) entries. */
export function docxWithManyEntries(count: number): Uint8Array {
  const files: Zippable = {
    "[Content_Types].xml": encode(CONTENT_TYPES),
    "_rels/.rels": encode(ROOT_RELS),
  };
  files["word/document.xml"] = encode(
    `<w:document ${W}><w:body>${wordParagraph("Hello")}</w:body></w:document>`,
  );
  for (let i = 0; i < count; i++) files[`customXml/item${i}.xml`] = encode("<a/>");
  return zipSync(files, { level: 0 });
}

/** The "billion laughs": ten levels of entities, each ten of the one below. */
export function docxBillionLaughs(): Uint8Array {
  const entities = ['<!ENTITY lol0 "lol">'];
  for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return docxOf(wordParagraph("&lol9;"), `<!DOCTYPE w:document [${entities.join("")}]>`);
}

/** `depth` nested elements around one sentence (the attack used 100k <div>s in 1.1 MB). */
export function deeplyNestedHtml(depth: number, tag = "div"): string {
  return `<!doctype html><html><body>${`<${tag}>`.repeat(depth)}Deep inside the nest.${`</${tag}>`.repeat(depth)}<p>After the nest.</p></body></html>`;
}

/** A normal export: a header and `rows` short rows (1M rows is about 9 MB). */
export function manyRowCsv(rows: number): string {
  const lines = ["id,qty"];
  for (let i = 1; i <= rows; i++) lines.push(`${i},${i % 97}`);
  return `${lines.join("\n")}\n`;
}

/** `quoteDepth` nested blockquotes, then `listDepth` nested list items. */
export function deeplyNestedMarkdown(quoteDepth: number, listDepth: number): string {
  const quotes = `${">".repeat(quoteDepth)} Quoted deep inside.`;
  const list = Array.from({ length: listDepth }, (_, i) => `${"  ".repeat(i)}- item ${i}`).join(
    "\n",
  );
  return `# Deep\n\n${quotes}\n\n${list}\n`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
