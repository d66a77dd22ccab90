/**
 * Markdown: cut into sections at ATX (`## Title`) and setext (`Title` over `===`/`---`)
 * headings outside fenced code; each section keeps its Markdown source, heading line included.
 */
import { buildDocument, headingPathText } from "./document.ts";
import { LIMITS } from "./limits.ts";
import { readText } from "./text.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

export async function parseMarkdown(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "markdown");
  return buildDocument("markdown", markdownToSections(text), { warnings });
}

export function markdownToSections(markdown: string): ParsedSection[] {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const sections: ParsedSection[] = [];
  const headings: { level: number; text: string }[] = [];
  let current: string[] = [];
  let hasBody = false;
  let fence: string | null = null;

  const startSection = (level: number, title: string, headingLines: string[]): void => {
    if (hasBody) {
      sections.push({
        text: current.join("\n"),
        page: null,
        heading_path: headings.map((h) => h.text),
      });
      current = [];
      hasBody = false;
    }
    while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
    headings.push({ level, text: title });
    current.push(...headingLines);
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fenceMark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== null) {
      if (
        fenceMark &&
        fenceMark[0] === fence[0] &&
        fenceMark.length >= fence.length &&
        line.trim() === fenceMark
      )
        fence = null;
      current.push(line);
      continue;
    }
    if (fenceMark) {
      fence = fenceMark;
      current.push(line);
      hasBody = true;
      continue;
    }
    const atx = atxHeading(line);
    if (atx) {
      startSection(atx.level, cleanHeading(atx.text), [line]);
      continue;
    }
    const next = lines[i + 1] ?? "";
    if (isSetextCandidate(line, current) && /^ {0,3}(=+|-+)\s*$/.test(next)) {
      startSection(next.trim().startsWith("=") ? 1 : 2, cleanHeading(line.trim()), [line, next]);
      i += 1;
      continue;
    }
    current.push(line);
    if (line.trim() !== "") hasBody = true;
  }
  sections.push({
    text: current.join("\n"),
    page: null,
    heading_path: headings.map((h) => h.text),
  });
  return sections;
}

/**
 * `## Title ##` -> level 2, "Title"; null for a line that is not an ATX heading (or has no
 * text). Anchored patterns and a hand trim only: the one-regex form
 * `/^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/` backtracks quadratically on a long run of spaces
 * inside the heading (200,000 spaces took 86 s).
 */
function atxHeading(line: string): { level: number; text: string } | null {
  const open = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  if (!open?.[1]) return null;
  let text = line.slice(open[0].length).trim();
  // An optional closing sequence: spaces then only #s.
  let hashes = 0;
  while (hashes < text.length && text.charCodeAt(text.length - 1 - hashes) === 35) hashes++;
  if (hashes > 0 && (hashes === text.length || /[ \t]/.test(text.charAt(text.length - hashes - 1))))
    text = text.slice(0, text.length - hashes).trim();
  return text === "" ? null : { level: open[1].length, text };
}

/** A setext heading is a single paragraph line: not a list item, quote, table row or heading. */
function isSetextCandidate(line: string, before: string[]): boolean {
  const previous = before.at(-1) ?? "";
  return (
    line.trim() !== "" && previous.trim() === "" && !/^\s*([-*+]\s|[>|#]|\d+[.)]\s)/.test(line)
  );
}

/** Heading text without emphasis markers or link syntax, for the heading path. */
function cleanHeading(text: string): string {
  // Cut first: the link pattern below retries from every "[", which is quadratic on a
  // heading of a million brackets; the path keeps LIMITS.headingChars anyway.
  return headingPathText(
    text
      .slice(0, LIMITS.headingChars * 2)
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/[*_`]+/g, "")
      .trim(),
  );
}
