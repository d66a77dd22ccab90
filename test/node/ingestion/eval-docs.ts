/**
 * The 30 real documents of ../shared/eval/docs and their manifest, read by path (they are
 * not copied into the repository).
 */
import { readFileSync } from "node:fs";
import type { DocumentKind } from "../../../workers/ingestion/types.ts";

export const EVAL_DOCS = new URL("../../../../shared/eval/docs/", import.meta.url);

export interface ManifestEntry {
  file: string;
  /** "pdf", "docx", ... or "pdf (really DOCX)" for a file whose extension lies. */
  type: string;
  expect: "text" | "empty" | "error" | "no_text_layer" | "sniff";
  must_contain: string[];
}

export function manifest(): ManifestEntry[] {
  const parsed = JSON.parse(readFileSync(new URL("manifest.json", EVAL_DOCS), "utf8")) as {
    files: ManifestEntry[];
  };
  return parsed.files;
}

export function readEvalDoc(file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(file, EVAL_DOCS)));
}

/** The kind the file really is: the manifest's type, or what "(really X)" says. */
export function realKind(entry: ManifestEntry): DocumentKind {
  const really = /\(really (\w+)\)/.exec(entry.type)?.[1];
  return (really ?? entry.type).toLowerCase() as DocumentKind;
}

/** Whitespace runs as one space: PDF line breaks and HTML indentation are not content. */
export function normaliseSpace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
