/** Small builders for chunker tests. */
import type { Chunk, ParsedDocument, ParsedSection } from "../../../workers/ingestion/types.ts";

export function documentOf(sections: Partial<ParsedSection>[]): ParsedDocument {
  const full = sections.map((s) => ({
    text: s.text ?? "",
    page: s.page ?? null,
    heading_path: s.heading_path ?? [],
  }));
  return {
    kind: "text",
    sections: full,
    pages: null,
    chars: full.reduce((n, s) => n + s.text.length, 0),
    warnings: [],
  };
}

export function joinedText(doc: ParsedDocument): string {
  return doc.sections.map((s) => s.text).join("\n\n");
}

/** Numbered sentences of about a dozen tokens: "Sentence 1 tells ..." */
export function sentences(count: number, from = 1): string {
  return Array.from(
    { length: count },
    (_, i) => `Sentence ${from + i} tells a short story about chunking text well.`,
  ).join(" ");
}

/** True when every non-space character of the text lies inside some chunk. */
export function coversText(text: string, chunks: Chunk[]): boolean {
  const covered = new Uint8Array(text.length);
  for (const c of chunks) covered.fill(1, c.start, c.end);
  for (let i = 0; i < text.length; i++) if (!covered[i] && !/\s/.test(text[i] ?? "")) return false;
  return true;
}
