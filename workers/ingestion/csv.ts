/**
 * CSV (and TSV): every row is written out with its column names ("Country: France; ISO: FR")
 * so a chunk holding a row, or part of a very wide row, still says what its numbers mean.
 * Rows are grouped into sections of ROWS_PER_SECTION.
 */
import Papa from "papaparse";
import { buildDocument, tooMuchText } from "./document.ts";
import { LIMITS } from "./limits.ts";
import { readText } from "./text.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

const ROWS_PER_SECTION = 100;

export async function parseCsv(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "csv");
  const writer = new CsvSectionWriter();
  const badRows = new Set<number>();
  let row = 0;
  // Row by row (step): a 1M-row export never exists as a million arrays at once.
  Papa.parse<string[]>(text, {
    skipEmptyLines: "greedy",
    step: (result) => {
      if (result.errors.length > 0) badRows.add(row);
      row += 1;
      writer.add(result.data);
    },
  });
  if (badRows.size > 0)
    warnings.push(
      `${badRows.size} CSV rows were malformed (unbalanced quotes or wrong field count) and were read as well as possible.`,
    );
  return buildDocument("csv", writer.finish(), { warnings });
}

export function csvToSections(rows: string[][]): ParsedSection[] {
  const writer = new CsvSectionWriter();
  for (const row of rows) writer.add(row);
  return writer.finish();
}

/**
 * Rows in, sections out, one row at a time. The first non-empty row is the header when it
 * has a cell that is not a number. Output is bounded by LIMITS.textChars as it grows (the
 * column labels can make the text several times the file's size).
 */
class CsvSectionWriter {
  private first: string[] | null = null;
  private hasHeader = false;
  private lines: string[] = [];
  private chars = 0;
  private readonly sections: ParsedSection[] = [];

  add(row: string[]): void {
    if (!row.some((cell) => cell.trim() !== "")) return;
    if (this.first === null) {
      this.first = row;
      this.hasHeader = row.some((cell) => cell.trim() !== "" && !isNumeric(cell));
      if (this.hasHeader) return;
    }
    const line = renderRow((i) => this.header(i), row);
    if (line === "") return;
    this.chars += line.length + 1;
    if (this.chars > LIMITS.textChars) throw tooMuchText();
    this.lines.push(line);
    if (this.lines.length === ROWS_PER_SECTION) this.flush();
  }

  finish(): ParsedSection[] {
    this.flush();
    // A file that is only a header row is still worth its column names.
    if (this.sections.length === 0 && this.hasHeader && this.first) {
      this.sections.push({
        text: this.first.map((_, i) => this.header(i)).join("; "),
        page: null,
        heading_path: [],
      });
    }
    return this.sections;
  }

  private header(i: number): string {
    return (this.hasHeader ? clean(this.first?.[i] ?? "") : "") || `Column ${i + 1}`;
  }

  private flush(): void {
    if (this.lines.length > 0)
      this.sections.push({ text: this.lines.join("\n"), page: null, heading_path: [] });
    this.lines = [];
  }
}

function renderRow(header: (i: number) => string, row: string[]): string {
  const pairs: string[] = [];
  row.forEach((cell, i) => {
    const value = clean(cell);
    if (value !== "") pairs.push(`${header(i)}: ${value}`);
  });
  return pairs.join("; ");
}

function clean(cell: string): string {
  return cell.replace(/\s+/g, " ").trim();
}

function isNumeric(cell: string): boolean {
  return /^[-+]?[\d.,\s%]+(e[-+]?\d+)?$/i.test(cell.trim());
}
