/**
 * DOCX through mammoth: Word headings become h1-h6 (so the heading path), tables and lists
 * keep their structure, then the HTML goes through the same reader as uploaded HTML.
 * Images are not decoded (their bytes would only be thrown away).
 *
 * mammoth never sees the upload itself: it gets the archive zip.ts rebuilt from the XML
 * parts, each inflated within LIMITS and checked here for a DTD (Word never writes one; it
 * is how entity expansion, "billion laughs", gets in) and for nesting deeper than
 * LIMITS.xmlDepth (mammoth's XML reader recurses per level).
 */
import { Buffer } from "node:buffer";
import mammoth from "mammoth";
import { buildDocument } from "./document.ts";
import { htmlToSections } from "./html.ts";
import { LIMITS, count } from "./limits.ts";
import { ParseError } from "./types.ts";
import type { ParsedDocument } from "./types.ts";
import { boundedArchive } from "./zip.ts";

const LABEL = "this Word document";

export async function parseDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  const archive = boundedArchive(bytes, LABEL, isXmlPart, checkXmlPart);
  let html: string;
  try {
    // mammoth's Node build reads `buffer`, its browser build `arrayBuffer`: give both.
    const arrayBuffer = archive.buffer.slice(
      archive.byteOffset,
      archive.byteOffset + archive.byteLength,
    ) as ArrayBuffer;
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(arrayBuffer), arrayBuffer },
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })) },
    );
    html = result.value;
  } catch (err) {
    // The library's own words (xmldom positions, jszip internals) mean nothing to the owner.
    if (err instanceof RangeError)
      throw new ParseError("DOCUMENT_TOO_LARGE", `${LABEL} is nested too deeply to be read`);
    throw new ParseError(
      "MALFORMED_DOCUMENT",
      `${LABEL} could not be read: it is damaged or not a Word (.docx) file; open it in Word and save it again`,
    );
  }
  return buildDocument("docx", htmlToSections(html), {
    emptyMessage: "no extractable text: this Word document contains no text",
  });
}

/** The parts mammoth reads as XML; every other part (images, fonts, embeddings) stays empty. */
function isXmlPart(name: string): boolean {
  return /\.(xml|rels)$/i.test(name);
}

/** Refuses an XML part with a DTD or nested deeper than LIMITS.xmlDepth. Linear, no parse. */
export function checkXmlPart(name: string, xml: Uint8Array): void {
  let depth = 0;
  for (let i = 0; i < xml.length; i++) {
    if (xml[i] !== 0x3c) continue; // "<"
    const next = xml[i + 1];
    if (next === 0x2f)
      depth--; // "</"
    else if (next === 0x21) {
      // "<!": a comment or CDATA is harmless; a DOCTYPE is refused.
      if (isDoctype(xml, i + 2)) {
        throw new ParseError(
          "MALFORMED_DOCUMENT",
          `${LABEL} declares its own XML entities (a DOCTYPE in ${name}), which Word never writes; it was refused`,
        );
      }
    } else if (next !== 0x3f) {
      // "<?" is a processing instruction; anything else opens an element, unless it ends in "/>".
      const close = xml.indexOf(0x3e, i);
      if (close < 0) break;
      if (xml[close - 1] !== 0x2f) depth++;
      if (depth > LIMITS.xmlDepth)
        throw new ParseError(
          "DOCUMENT_TOO_LARGE",
          `${LABEL} is nested more than ${count(LIMITS.xmlDepth)} levels deep, more than can be read safely`,
        );
      i = close;
    }
  }
}

function isDoctype(xml: Uint8Array, at: number): boolean {
  const word = "DOCTYPE";
  for (let k = 0; k < word.length; k++) {
    if (((xml[at + k] ?? 0) & 0xdf) !== word.charCodeAt(k)) return false;
  }
  return true;
}
