/**
 * What parsing and chunking produce. Parsers turn a file's bytes into sections of text that
 * keep where they came from (page, heading path); the chunker cuts sections into
 * token-bounded, overlapping chunks whose metadata survives into search results.
 */

export const DOCUMENT_KINDS = ["pdf", "docx", "html", "markdown", "text", "csv"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** A run of text from one place in the document. */
export interface ParsedSection {
  text: string;
  /** 1-based page number (PDF), when known. */
  page: number | null;
  /** Enclosing headings, outermost first (["Chapter 2", "Benefits"]). */
  heading_path: string[];
}

export interface ParsedDocument {
  kind: DocumentKind;
  sections: ParsedSection[];
  /** Pages in the file (PDF), when known. */
  pages: number | null;
  /** Characters of text extracted (0 means nothing to index). */
  chars: number;
  /** Notes worth showing the owner ("3 pages had no text layer", charset detected...). */
  warnings: string[];
}

export const PARSE_ERROR_CODES = [
  "UNSUPPORTED_TYPE",
  "NO_EXTRACTABLE_TEXT",
  "IMAGE_ONLY_PDF",
  "ENCRYPTED_DOCUMENT",
  "MALFORMED_DOCUMENT",
  /** Past a budget of limits.ts: expands, nests or extracts more than can be read safely. */
  "DOCUMENT_TOO_LARGE",
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

/** A file that cannot be indexed, with a reason meant for the owner. */
export class ParseError extends Error {
  readonly code: ParseErrorCode;
  constructor(code: ParseErrorCode, userMessage: string) {
    super(userMessage);
    this.name = "ParseError";
    this.code = code;
  }
}

export interface ChunkOptions {
  /** Target size in tokens (cl100k-like estimate), from the agent's or upload's RAG settings. */
  chunk_size: number;
  /** Tokens repeated from the end of the previous chunk. */
  chunk_overlap: number;
}

export interface Chunk {
  /** 0-based position in the document: with the document id it makes the chunk's stable id. */
  index: number;
  text: string;
  page: number | null;
  heading_path: string[];
  /** Character offsets in the document's extracted text (sections joined by "\n\n"). */
  start: number;
  end: number;
  token_count: number;
}
