/**
 * Token-aware recursive chunking. Sections are hard boundaries (a chunk never spans two
 * pages or two headings). Inside a section the text is cut into pieces of at most
 * `chunk_size - chunk_overlap` tokens, trying paragraph breaks first, then line breaks,
 * sentence ends, clause punctuation, spaces, word edges, and as a last resort a plain cut
 * (a megabyte with no space in it). Pieces are packed greedily up to `chunk_size`, except
 * that a unit which had to be cut (a long paragraph, a wide CSV row) starts a new chunk
 * rather than filling the end of one already half full. Each chunk after the first of a
 * section starts with up to `chunk_overlap` tokens from the end of the one before, from a
 * sentence start when that keeps at least half the overlap, else from a word start.
 *
 * Tokens are estimated (tokens.ts); as the estimate is subadditive, a chunk's token_count is
 * never above chunk_size. Offsets index the document text: sections joined by "\n\n".
 * The same document and options always give the same chunks.
 */
import { estimateTokens } from "./tokens.ts";
import type { Chunk, ChunkOptions, ParsedDocument } from "./types.ts";

/** Separators tried in order; each match ends a piece (the separator stays with it). */
const SEPARATORS: RegExp[] = [
  /\n[ \t]*\n\s*/g,
  /\n\s*/g,
  /[.!?…]["'”’)\]]*\s+|[。！？]["'”’」』)\]]*\s*/g,
  /[;:,]\s+|[，；：、]\s*/g,
  /\s+/g,
  // Between a word and the punctuation touching it: only tiny chunk sizes get here.
  /\b/g,
];
const SECTION_SEPARATOR = "\n\n";

interface Piece {
  start: number;
  end: number;
  tokens: number;
  /** First piece of a unit (paragraph, line, sentence...) too big for one chunk. */
  opens?: boolean;
}

export function chunkDocument(doc: ParsedDocument, opts: ChunkOptions): Chunk[] {
  const size = Math.max(1, Math.floor(opts.chunk_size));
  // More overlap than half a chunk would multiply the chunk count without adding context.
  const overlap = Math.min(Math.max(0, Math.floor(opts.chunk_overlap)), Math.floor(size / 2));
  const chunks: Chunk[] = [];
  let offset = 0;
  for (const section of doc.sections) {
    const text = section.text;
    for (const [start, end] of chunkSpans(text, size, overlap)) {
      const chunkText = text.slice(start, end);
      chunks.push({
        index: chunks.length,
        text: chunkText,
        page: section.page,
        heading_path: [...section.heading_path],
        start: offset + start,
        end: offset + end,
        token_count: estimateTokens(chunkText),
      });
    }
    offset += text.length + SECTION_SEPARATOR.length;
  }
  return chunks;
}

/** [start, end) of each chunk of one section's text, trimmed of surrounding whitespace. */
function chunkSpans(text: string, size: number, overlap: number): [number, number][] {
  const pieces = split(text, 0, text.length, 0, size - overlap);
  const spans: [number, number][] = [];
  let i = 0;
  let start = pieces[0]?.start ?? 0;
  let tokens = 0;
  while (i < pieces.length) {
    let j = i;
    while (j < pieces.length && tokens + (pieces[j]?.tokens ?? 0) <= size) {
      // A unit that had to be cut starts a chunk of its own rather than filling the end of
      // a chunk that is already half full.
      if (j > i && pieces[j]?.opens && tokens * 2 >= size) break;
      tokens += pieces[j]?.tokens ?? 0;
      j++;
    }
    const end = pieces[j - 1]?.end ?? text.length;
    const span = trim(text, start, end);
    if (span) spans.push(span);
    if (j >= pieces.length) break;
    start = overlapStart(text, span ? span[0] : start, end, overlap);
    tokens = estimateTokens(text, start, end);
    i = j;
  }
  return spans;
}

/** Pieces covering [start, end) exactly, each within `limit` tokens. */
function split(text: string, start: number, end: number, level: number, limit: number): Piece[] {
  const tokens = estimateTokens(text, start, end);
  if (tokens <= limit) return [{ start, end, tokens }];
  const separator = SEPARATORS[level];
  if (!separator) return hardSplit(text, start, end, limit);
  // Search a copy of the span: a search in the whole text could run far past `end`
  // looking for the next match, once per span, which is quadratic on a long section.
  const span = text.slice(start, end);
  const parts: [number, number][] = [];
  let from = start;
  separator.lastIndex = 0;
  for (let m = separator.exec(span); m !== null; m = separator.exec(span)) {
    const cut = start + m.index + m[0].length;
    if (m[0].length === 0) separator.lastIndex++;
    if (cut > from && cut < end) {
      parts.push([from, cut]);
      from = cut;
    }
  }
  parts.push([from, end]);
  if (parts.length === 1) return split(text, start, end, level + 1, limit);
  return parts.flatMap(([a, b]) => {
    const pieces = split(text, a, b, level + 1, limit);
    const first = pieces[0];
    if (pieces.length > 1 && first) first.opens = true;
    return pieces;
  });
}

/**
 * Cuts a span with no usable separator into runs of characters within `limit` tokens. The
 * run length comes from the span's average cost per character, so the work stays linear.
 */
function hardSplit(text: string, start: number, end: number, limit: number): Piece[] {
  const pieces: Piece[] = [];
  const total = estimateTokens(text, start, end);
  const length = Math.max(1, Math.floor(((end - start) * limit) / Math.max(1, total)));
  let from = start;
  while (from < end) {
    let cut = Math.min(end, from + length);
    let tokens = estimateTokens(text, from, cut);
    while (tokens > limit && cut - from > 1) {
      cut = from + Math.max(1, Math.floor((cut - from) * 0.9));
      tokens = estimateTokens(text, from, cut);
    }
    // Never cut a surrogate pair in two.
    if (cut < end && isLowSurrogate(text.charCodeAt(cut)) && cut - 1 > from) {
      cut -= 1;
      tokens = estimateTokens(text, from, cut);
    }
    pieces.push({ start: from, end: cut, tokens });
    from = cut;
  }
  return pieces;
}

/**
 * Where the next chunk starts so that it repeats up to `budget` tokens before `end`: the
 * earliest word start within budget, or a later sentence start if that keeps half of it.
 */
function overlapStart(text: string, floor: number, end: number, budget: number): number {
  if (budget <= 0) return end;
  let start = end;
  let used = 0;
  let sentenceStart = -1;
  let pos = end;
  while (pos > floor) {
    let wordStart = pos;
    while (wordStart > floor && isSpace(text.charCodeAt(wordStart - 1))) wordStart--;
    while (wordStart > floor && !isSpace(text.charCodeAt(wordStart - 1))) wordStart--;
    const cost = estimateTokens(text, wordStart, pos);
    if (used + cost > budget || wordStart <= floor) break;
    used += cost;
    start = wordStart;
    pos = wordStart;
    if (isSentenceStart(text, wordStart)) sentenceStart = wordStart;
  }
  if (sentenceStart >= 0 && estimateTokens(text, sentenceStart, end) * 2 >= used)
    return sentenceStart;
  return start;
}

function isSentenceStart(text: string, pos: number): boolean {
  let i = pos - 1;
  let sawSpace = false;
  while (i >= 0 && isSpace(text.charCodeAt(i))) {
    if (text.charCodeAt(i) === 10) return true;
    sawSpace = true;
    i--;
  }
  return (
    i < 0 || (sawSpace && /[.!?…。！？]["'”’)\]]*$/.test(text.slice(Math.max(0, i - 3), i + 1)))
  );
}

function trim(text: string, start: number, end: number): [number, number] | null {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end > start ? [start, end] : null;
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 10 ||
    c === 9 ||
    c === 13 ||
    c === 12 ||
    c === 11 ||
    c === 0xa0 ||
    c === 0x3000 ||
    (c >= 0x2000 && c <= 0x200b)
  );
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
