/**
 * HTML to sections: the page's readable text without scripts, styles, navigation, headers,
 * footers, forms or hidden elements; entities decoded (htmlparser2); headings become the
 * heading path of the text under them; data tables become Markdown tables while layout
 * tables (one column, nested layout, long prose in cells) are read as ordinary blocks.
 * DOCX goes through here too, as the HTML mammoth makes of it.
 */
import { isTag, isText } from "domhandler";
import type { ChildNode, Element } from "domhandler";
import { parseDocument } from "htmlparser2";
import { buildDocument } from "./document.ts";
import { readText } from "./text.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

/**
 * Elements whose content is never part of the readable text. Not <head> as a whole: a page
 * that never opens <body> leaves its content inside <head> for a non-validating parser.
 */
const DROPPED = new Set([
  "title", "script", "style", "noscript", "nav", "header", "footer", "aside", "template", "svg", "math",
  "form", "button", "select", "textarea", "input", "iframe", "object", "embed", "canvas", "audio", "video", "map", "dialog",
]);
/** Classes of text meant only for screen readers ("Skip to main content"). */
const HIDDEN_CLASS = /(^|\s)(element-invisible|visually-hidden|sr-only|screen-reader-text|skip-link)(\s|$)/i;
/** ARIA landmark roles of page chrome, dropped like the elements above. */
const DROPPED_ROLES = new Set(["navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar"]);
const BLOCKS = new Set([
  "p", "div", "section", "article", "main", "blockquote", "dl", "dt", "dd", "figure", "figcaption", "address",
  "center", "fieldset", "details", "summary", "caption", "body", "html", "tbody", "thead", "tfoot", "tr", "td", "th",
]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
/** A cell longer than this is prose laid out with a table, not data. */
const MAX_DATA_CELL_CHARS = 400;

export async function parseHtml(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "html");
  return buildDocument("html", htmlToSections(text), { warnings });
}

/** Readable text of an HTML string, cut into sections at its headings. */
export function htmlToSections(html: string): ParsedSection[] {
  const dom = parseDocument(html, { decodeEntities: true });
  const writer = new SectionWriter();
  for (const node of dom.children) writer.visit(node, 0);
  return writer.finish();
}

/**
 * Accumulates text, cutting a section at each heading. Breaks are owed rather than written
 * (`pending` newlines) so runs of empty blocks never pile up blank lines, and the output is
 * kept as parts: re-scanning one growing string would be quadratic on an 800-page DOCX.
 */
class SectionWriter {
  private readonly sections: ParsedSection[] = [];
  private readonly headings: { level: number; text: string }[] = [];
  private parts: string[] = [];
  private pending = 0;
  private afterSpace = true;
  private hasBody = false;
  /** Just wrote a list marker: the item's first block must not break away from it. */
  private afterMarker = false;

  visit(node: ChildNode, listDepth: number): void {
    if (isText(node)) return this.write(node.data);
    if (!isTag(node) || isDropped(node)) return;
    const name = node.name;
    const level = HEADINGS[name];
    if (level) return this.heading(level, inlineText(node));
    if (name === "br") return this.lineBreak();
    if (name === "hr") return this.paragraphBreak();
    if (name === "pre") return this.preformatted(node);
    if (name === "table") return this.table(node, listDepth);
    if (name === "ul" || name === "ol") return this.list(node, listDepth);
    // Inside a list item a block is a line of the item, not a paragraph of its own.
    const block = BLOCKS.has(name);
    const blockBreak = () => (listDepth > 0 ? this.lineBreak() : this.paragraphBreak());
    if (block) blockBreak();
    for (const child of node.children) this.visit(child, listDepth);
    if (block) blockBreak();
  }

  finish(): ParsedSection[] {
    this.flush();
    return this.sections;
  }

  /** Inline text: whitespace collapsed, no space at the start of a line. */
  private write(text: string): void {
    let collapsed = text.replace(/\s+/g, " ");
    if (this.pending > 0 || this.afterSpace) collapsed = collapsed.trimStart();
    if (collapsed === "") return;
    this.emit(collapsed, true);
  }

  private emit(text: string, body: boolean): void {
    if (this.pending > 0 && this.parts.length > 0) this.parts.push("\n".repeat(this.pending));
    this.pending = 0;
    this.parts.push(text);
    this.afterSpace = /\s$/.test(text);
    this.afterMarker = !body;
    if (body) this.hasBody = true;
  }

  private lineBreak(): void {
    if (!this.afterMarker) this.pending = Math.max(this.pending, 1);
  }

  private paragraphBreak(): void {
    if (!this.afterMarker) this.pending = 2;
  }

  /** A heading closes the section before it, unless that section holds only headings. */
  private heading(level: number, text: string): void {
    if (text === "") return;
    if (this.hasBody) this.flush();
    while ((this.headings.at(-1)?.level ?? 0) >= level) this.headings.pop();
    this.headings.push({ level, text });
    this.paragraphBreak();
    this.emit(text, false);
    this.afterMarker = false;
    this.paragraphBreak();
  }

  private flush(): void {
    const text = this.parts.join("").trim();
    if (text !== "") this.sections.push({ text, page: null, heading_path: this.headings.map((h) => h.text) });
    this.parts = [];
    this.pending = 0;
    this.afterSpace = true;
    this.hasBody = false;
    this.afterMarker = false;
  }

  private preformatted(node: Element): void {
    this.paragraphBreak();
    const text = rawText(node).replace(/^\n/, "").trimEnd();
    if (text.trim() !== "") this.emit(text, true);
    this.paragraphBreak();
  }

  private list(node: Element, depth: number): void {
    if (depth === 0) this.paragraphBreak();
    else this.lineBreak();
    let n = 0;
    for (const item of node.children) {
      if (!isTag(item) || isDropped(item)) continue;
      if (item.name !== "li") {
        this.visit(item, depth + 1);
        continue;
      }
      n += 1;
      this.afterMarker = false;
      this.lineBreak();
      this.emit(`${"  ".repeat(depth)}${node.name === "ol" ? `${n}.` : "-"} `, false);
      for (const child of item.children) this.visit(child, depth + 1);
      this.lineBreak();
    }
    if (depth === 0) this.paragraphBreak();
  }

  private table(node: Element, listDepth: number): void {
    const rows = tableRows(node);
    if (isLayoutTable(node, rows)) {
      this.paragraphBreak();
      for (const child of node.children) this.visit(child, listDepth);
      this.paragraphBreak();
      return;
    }
    const markdown = markdownTable(rows);
    if (markdown === "") return;
    this.paragraphBreak();
    this.emit(markdown, true);
    this.paragraphBreak();
  }
}

function isDropped(el: Element): boolean {
  if (DROPPED.has(el.name)) return true;
  const a = el.attribs;
  if ("hidden" in a || a["aria-hidden"] === "true") return true;
  if (a.role && DROPPED_ROLES.has(a.role.toLowerCase())) return true;
  if ((a.class && HIDDEN_CLASS.test(a.class)) || a.id === "skip-link") return true;
  return a.style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(a.style);
}

/** Text of an element on one line: blocks and line breaks become spaces, nested tables flatten. */
function inlineText(node: ChildNode): string {
  const parts: string[] = [];
  const walk = (n: ChildNode): void => {
    if (isText(n)) parts.push(n.data);
    else if (isTag(n) && !isDropped(n)) {
      const spaced = n.name === "br" || BLOCKS.has(n.name) || n.name === "li";
      if (spaced) parts.push(" ");
      for (const child of n.children) walk(child);
      if (spaced) parts.push(" ");
    }
  };
  walk(node);
  return parts.join("").replace(/\s+/g, " ").trim();
}

function rawText(node: ChildNode): string {
  if (isText(node)) return node.data;
  if (!isTag(node) || isDropped(node)) return "";
  if (node.name === "br") return "\n";
  return node.children.map(rawText).join("");
}

/** The rows of this table (not of tables nested in its cells). */
function tableRows(table: Element): Element[][] {
  const rows: Element[][] = [];
  const collect = (parent: Element): void => {
    for (const child of parent.children) {
      if (!isTag(child) || isDropped(child)) continue;
      if (child.name === "tr") rows.push(child.children.filter((c): c is Element => isTag(c) && (c.name === "td" || c.name === "th")));
      else if (child.name === "thead" || child.name === "tbody" || child.name === "tfoot") collect(child);
    }
  };
  collect(table);
  return rows.filter((r) => r.length > 0);
}

function isLayoutTable(table: Element, rows: Element[][]): boolean {
  if (rows.length < 2 || Math.max(...rows.map((r) => r.length)) < 2) return true;
  for (const row of rows) {
    for (const cell of row) {
      if (hasDescendant(cell, (el) => el.name in HEADINGS || el.name === "ul" || el.name === "ol" || el.name === "pre" || el.name === "blockquote")) return true;
      if (hasDescendant(cell, (el) => el.name === "table" && hasDescendant(el, (inner) => inner.name === "table"))) return true;
      if (inlineText(cell).length > MAX_DATA_CELL_CHARS) return true;
    }
  }
  return table.attribs.role === "presentation";
}

function hasDescendant(node: Element, test: (el: Element) => boolean): boolean {
  for (const child of node.children) {
    if (isTag(child) && !isDropped(child) && (test(child) || hasDescendant(child, test))) return true;
  }
  return false;
}

/**
 * A Markdown table of the rows, the first row as header. A cell spanning rows repeats in
 * each (every row stays readable alone); one spanning columns fills its first column only.
 * Columns empty in every row (spacers) are left out.
 */
function markdownTable(rows: Element[][]): string {
  const grid: string[][] = [];
  rows.forEach((row, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (grid[r]?.[c] !== undefined) c++;
      const text = inlineText(cell).replace(/\|/g, "\\|");
      const colspan = clampSpan(cell.attribs.colspan);
      const rowspan = Math.min(clampSpan(cell.attribs.rowspan), rows.length - r);
      for (let dr = 0; dr < rowspan; dr++) {
        const target = (grid[r + dr] ??= []);
        for (let dc = 0; dc < colspan; dc++) target[c + dc] = dc === 0 ? text : "";
      }
      c += colspan;
    }
  });
  const width = Math.max(...grid.map((r) => r.length));
  const used = Array.from({ length: width }, (_, i) => grid.some((row) => (row[i] ?? "") !== ""));
  const lines = grid
    .map((row) => Array.from({ length: width }, (_, i) => row[i] ?? "").filter((_, i) => used[i]))
    .filter((row) => row.some((cell) => cell !== ""))
    .map((row) => `| ${row.join(" | ")} |`);
  if (lines.length === 0) return "";
  lines.splice(1, 0, `|${" --- |".repeat(used.filter(Boolean).length)}`);
  return lines.join("\n");
}

function clampSpan(value: string | undefined): number {
  const n = Number.parseInt(value ?? "1", 10);
  return Number.isFinite(n) && n > 0 ? Math.min(n, 100) : 1;
}
