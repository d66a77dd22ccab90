/**
 * A fetched page's bytes as the text fetch_page gives the model, read by URL ingestion's own
 * parsers: the content decides the kind (sniff.ts), HTML becomes its readable text, headings
 * on their own lines (html.ts: scripts, styles, navigation, headers, footers and hidden elements
 * dropped), plain text, Markdown and CSV pass through decoded (text.ts). Anything else (PDF,
 * DOCX, images, binary) is not a page the tool reads.
 */
import { Parser } from "htmlparser2";
import { cleanText } from "../../ingestion/document.ts";
import { htmlToSections } from "../../ingestion/html.ts";
import { sniffKind } from "../../ingestion/sniff.ts";
import { readText } from "../../ingestion/text.ts";
import { ParseError } from "../../ingestion/types.ts";
import { ToolError } from "./types.ts";

export interface PageText {
  /** The HTML page's <title>, when it has one. */
  title: string | null;
  text: string;
}

/** Characters of HTML searched for the <title> (it sits in the <head>, at the top). */
const TITLE_SEARCH_CHARS = 65_536;
const KIND_NAMES = { pdf: "a PDF document", docx: "a Word document" } as const;

/** Readable text of a page; ToolError when it is not text or cannot be read. */
export function pageText(bytes: Uint8Array, contentType: string, filename: string): PageText {
  const kind = sniffKind(bytes, filename, contentType);
  if (kind === null || kind === "pdf" || kind === "docx") {
    const what = kind === null ? describeType(contentType) : KIND_NAMES[kind];
    throw new ToolError(
      `This page is not text (${what}); only web pages and plain-text pages can be read.`,
    );
  }
  try {
    if (kind !== "html") return { title: null, text: cleanText(readText(bytes, kind).text) };
    const html = readText(bytes, "html").text;
    // Each section opens with its heading's own line, so joining them keeps the headings.
    const sections = htmlToSections(html).map((s) => s.text);
    return { title: htmlTitle(html), text: cleanText(sections.join("\n\n")) };
  } catch (err) {
    if (err instanceof ParseError)
      throw new ToolError(`This page could not be read: ${err.message}.`);
    throw err;
  }
}

function describeType(contentType: string): string {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "" ? "binary content" : `it is ${type}`;
}

/** The first <title>'s text, entities decoded (the page text itself leaves titles out). */
function htmlTitle(html: string): string | null {
  let inTitle = false;
  let done = false;
  let title = "";
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "title" && !done) inTitle = true;
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        if (name === "title" && inTitle) {
          inTitle = false;
          done = true;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html.slice(0, TITLE_SEARCH_CHARS));
  const clean = title.replace(/\s+/g, " ").trim();
  return clean === "" ? null : clean.slice(0, 300);
}
