/**
 * DOCX through mammoth: Word headings become h1-h6 (so the heading path), tables and lists
 * keep their structure, then the HTML goes through the same reader as uploaded HTML.
 * Images are not decoded (their bytes would only be thrown away).
 */
import { Buffer } from "node:buffer";
import mammoth from "mammoth";
import { buildDocument } from "./document.ts";
import { htmlToSections } from "./html.ts";
import { ParseError } from "./types.ts";
import type { ParsedDocument } from "./types.ts";

export async function parseDocx(bytes: Uint8Array): Promise<ParsedDocument> {
  let html: string;
  try {
    // mammoth's Node build reads `buffer`, its browser build `arrayBuffer`: give both.
    const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(arrayBuffer), arrayBuffer },
      { convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: "" })) },
    );
    html = result.value;
  } catch (err) {
    throw new ParseError("MALFORMED_DOCUMENT", `this Word document could not be read (${describe(err)})`);
  }
  return buildDocument("docx", htmlToSections(html), {
    emptyMessage: "no extractable text: this Word document contains no text",
  });
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}
