/**
 * The budgets every parser works within, so that no upload can exhaust an isolate's memory
 * (128 MB per isolate in production, shared by every request it serves) or its stack. A
 * document past a budget fails at once with a reason that names the limit; it is never
 * retried, as the same bytes would fail the same way.
 *
 * Reference points: the largest real document in ../shared/eval/docs, an 872-page DOCX,
 * has a 5.3 MB word/document.xml (13:1 compression) and 1.2M characters of text; a 1M-row
 * CSV export (9 MB) becomes ~21M characters once every cell is labelled with its column.
 */

const MB = 1024 * 1024;

export const LIMITS = {
  /**
   * Entries in a ZIP-based upload (DOCX). Word writes 10-30 parts, a few hundred with many
   * images; thousands of entries only make the central directory itself expensive to walk.
   */
  zipEntries: 2_000,
  /**
   * Bytes one ZIP part the parser reads (XML, relationships) may inflate to: six times the
   * 872-page handbook's document.xml. mammoth holds the part, its XML tree and the HTML it
   * makes at once, several times the part's size, so this bounds its working set.
   */
  zipEntryInflatedBytes: 32 * MB,
  /** Bytes all the parts the parser reads may inflate to together (same reasoning). */
  zipTotalInflatedBytes: 48 * MB,
  /**
   * Compression ratio (inflated / stored) allowed for a part above `zipRatioFloorBytes`.
   * Word XML deflates 8-20:1; the 100 MB bomb was 280:1, and deflate cannot exceed ~1030:1.
   */
  zipMaxRatio: 100,
  /** Parts smaller than this are not judged by ratio: a tiny, empty-ish part compresses absurdly well. */
  zipRatioFloorBytes: 1 * MB,
  /**
   * Characters of text a parser may extract from one document: the 1M-row CSV fits with
   * room to spare (~21M); as Latin-1 strings that is 32 MB, as UTF-16 64 MB, which with the
   * chunks cut from it is still what one isolate can hold while it works.
   */
  textChars: 32_000_000,
  /**
   * Elements in an HTML page (or the HTML mammoth makes of a DOCX). Each parsed element costs
   * ~200-300 bytes in the DOM; 400k elements is ~100 MB. The 872-page handbook makes ~60k;
   * the attack's 1.1 MB of nested tags made 100k (refused by depth, below).
   */
  htmlElements: 400_000,
  /**
   * Nesting depth of HTML elements. The walk over the tree is iterative and reads any depth,
   * but htmlparser2 keeps open elements in an array it shifts at the front, so parsing costs
   * depth squared: 10k levels take ~50 ms, the attack's 100k took 5 s of CPU and 400k would
   * take over a minute. Real pages nest under 100 levels (Word's HTML under 30).
   */
  htmlDepth: 10_000,
  /**
   * Nesting depth of any XML part of a DOCX. Word's own nesting (tables in tables, runs in
   * fields) stays under 100; mammoth and its XML reader recurse once per level, so a deeper
   * part would overflow the stack.
   */
  xmlDepth: 1_000,
  /**
   * Pages of a PDF read for text. The longest eval PDF has 46; 5,000 pages of text is more
   * than the character budget anyway, and each page costs pdf.js its own parse.
   */
  pdfPages: 5_000,
  /**
   * Characters of a heading kept in the heading path. Every chunk under a heading repeats the
   * path in its metadata (R2 batches, the vector store, citations), so a "heading" of a
   * megabyte would be stored thousands of times; real headings are under 100 characters.
   */
  headingChars: 200,
} as const;

/** "32 MB" for 33554432. */
export function megabytes(bytes: number): string {
  return `${Math.round((bytes / MB) * 10) / 10} MB`;
}

/** "32,000,000" for 32000000 (the owner reads these in failure reasons). */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}
