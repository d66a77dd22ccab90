/**
 * CSV (and TSV): every row is written out with its column names ("Country: France; ISO: FR")
 * so a chunk holding a row, or part of a very wide row, still says what its numbers mean.
 * Rows are grouped into sections of ROWS_PER_SECTION.
 */
import Papa from "papaparse";
import { buildDocument } from "./document.ts";
import { readText } from "./text.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

const ROWS_PER_SECTION = 100;

export async function parseCsv(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "csv");
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  const rows = parsed.data.filter((row) => row.some((cell) => cell.trim() !== ""));
  const badRows = new Set(parsed.errors.filter((e) => e.row !== undefined).map((e) => e.row)).size;
  if (badRows > 0) warnings.push(`${badRows} CSV rows were malformed (unbalanced quotes or wrong field count) and were read as well as possible.`);
  return buildDocument("csv", csvToSections(rows), { warnings });
}

export function csvToSections(rows: string[][]): ParsedSection[] {
  const first = rows[0] ?? [];
  const hasHeader = first.some((cell) => cell.trim() !== "" && !isNumeric(cell));
  const width = Math.max(0, ...rows.map((r) => r.length));
  const headers = Array.from({ length: width }, (_, i) => (hasHeader ? clean(first[i] ?? "") : "") || `Column ${i + 1}`);
  const data = hasHeader ? rows.slice(1) : rows;

  const sections: ParsedSection[] = [];
  // A file that is only a header row is still worth its column names.
  if (data.length === 0 && hasHeader) sections.push({ text: headers.join("; "), page: null, heading_path: [] });
  for (let start = 0; start < data.length; start += ROWS_PER_SECTION) {
    const lines = data.slice(start, start + ROWS_PER_SECTION).map((row) => renderRow(headers, row)).filter((l) => l !== "");
    sections.push({ text: lines.join("\n"), page: null, heading_path: [] });
  }
  return sections;
}

function renderRow(headers: string[], row: string[]): string {
  const pairs: string[] = [];
  row.forEach((cell, i) => {
    const value = clean(cell);
    if (value !== "") pairs.push(`${headers[i] ?? `Column ${i + 1}`}: ${value}`);
  });
  return pairs.join("; ");
}

function clean(cell: string): string {
  return cell.replace(/\s+/g, " ").trim();
}

function isNumeric(cell: string): boolean {
  return /^[-+]?[\d.,\s%]+(e[-+]?\d+)?$/i.test(cell.trim());
}
