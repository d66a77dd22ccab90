/**
 * HTML to sections: the page's readable text without scripts, styles, navigation, headers,
 * footers, forms or hidden elements; entities decoded (htmlparser2); headings become the
 * heading path of the text under them; data tables become Markdown tables while layout
 * tables (one column, nested layout, long prose in cells) are read as ordinary blocks.
 * DOCX goes through here too, as the HTML mammoth makes of it.
 *
 * Every walk of the tree is iterative (an explicit stack), so nesting depth costs heap, not
 * call stack. The tree itself is bounded by LIMITS.htmlElements and LIMITS.htmlDepth (the
 * tokenizer's own cost grows with the square of the depth), and deciding whether tables are
 * data or layout by a work budget.
 */
import { DomHandler, isTag, isText } from "domhandler";
import type { ChildNode, Element } from "domhandler";
import { Parser } from "htmlparser2";
import { buildDocument, headingPathText } from "./document.ts";
import { LIMITS, count } from "./limits.ts";
import { readText } from "./text.ts";
import { ParseError } from "./types.ts";
import type { ParsedDocument, ParsedSection } from "./types.ts";

/**
 * Elements whose content is never part of the readable text. Not <head> as a whole: a page
 * that never opens <body> leaves its content inside <head> for a non-validating parser.
 */
const DROPPED = new Set([
  "title",
  "script",
  "style",
  "noscript",
  "nav",
  "header",
  "footer",
  "aside",
  "template",
  "svg",
  "math",
  "form",
  "button",
  "select",
  "textarea",
  "input",
  "iframe",
  "object",
  "embed",
  "canvas",
  "audio",
  "video",
  "map",
  "dialog",
]);
/** Classes of text meant only for screen readers ("Skip to main content"). */
const HIDDEN_CLASS =
  /(^|\s)(element-invisible|visually-hidden|sr-only|screen-reader-text|skip-link)(\s|$)/i;
/** ARIA landmark roles of page chrome, dropped like the elements above. */
const DROPPED_ROLES = new Set([
  "navigation",
  "banner",
  "contentinfo",
  "complementary",
  "search",
  "menu",
  "menubar",
]);
const BLOCKS = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "blockquote",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
  "address",
  "center",
  "fieldset",
  "details",
  "summary",
  "caption",
  "body",
  "html",
  "tbody",
  "thead",
  "tfoot",
  "tr",
  "td",
  "th",
]);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
/** A cell longer than this is prose laid out with a table, not data. */
const MAX_DATA_CELL_CHARS = 400;
/**
 * Nodes that deciding "data or layout table" may visit in one document. Each table looks
 * into its cells, so tables nested in tables would cost depth x size; past this budget the
 * remaining tables are read as layout (their text is kept, only the grid is not drawn).
 */
const TABLE_ANALYSIS_NODES = 2_000_000;

export async function parseHtml(bytes: Uint8Array): Promise<ParsedDocument> {
  const { text, warnings } = readText(bytes, "html");
  return buildDocument("html", htmlToSections(text), { warnings });
}

/** Readable text of an HTML string, cut into sections at its headings. */
export function htmlToSections(html: string): ParsedSection[] {
  const handler = new BoundedDomHandler();
  new Parser(handler, { decodeEntities: true }).end(html);
  const writer = new SectionWriter();
  writer.visitAll(handler.root.children);
  return writer.finish();
}

/**
 * The DOM builder, refusing a page past LIMITS.htmlElements or LIMITS.htmlDepth while it is
 * being parsed, before the tree outgrows memory or the tokenizer's time.
 */
class BoundedDomHandler extends DomHandler {
  private elements = 0;
  private depth = 0;
  override onopentag(name: string, attribs: Record<string, string>): void {
    this.elements += 1;
    this.depth += 1;
    if (this.elements > LIMITS.htmlElements) {
      throw new ParseError(
        "DOCUMENT_TOO_LARGE",
        `this document has more than ${count(LIMITS.htmlElements)} HTML elements, more than can be read safely; split it into smaller documents`,
      );
    }
    if (this.depth > LIMITS.htmlDepth) {
      throw new ParseError(
        "DOCUMENT_TOO_LARGE",
        `this document nests its HTML elements more than ${count(LIMITS.htmlDepth)} levels deep, more than can be read safely`,
      );
    }
    super.onopentag(name, attribs);
  }
  override onclosetag(): void {
    this.depth -= 1;
    super.onclosetag();
  }
}

/** A node still to visit, or a step to take once the nodes pushed before it are done. */
type Task = { node: ChildNode; listDepth: number } | (() => void);

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

  /** Budget of table analysis left (see TABLE_ANALYSIS_NODES). */
  private readonly analysis = { left: TABLE_ANALYSIS_NODES };

  /** Visits the nodes in document order, depth-first, without recursion. */
  visitAll(nodes: ChildNode[]): void {
    const stack: Task[] = [];
    schedule(
      stack,
      nodes.map((node) => ({ node, listDepth: 0 })),
    );
    for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
      if (typeof task === "function") task();
      else this.visit(task.node, task.listDepth, stack);
    }
  }

  /** Writes what `node` writes before its children, and schedules the children and what follows them. */
  private visit(node: ChildNode, listDepth: number, stack: Task[]): void {
    if (isText(node)) return this.write(node.data);
    if (!isTag(node) || isDropped(node)) return;
    const name = node.name;
    const level = HEADINGS[name];
    if (level) return this.heading(level, inlineText(node));
    if (name === "br") return this.lineBreak();
    if (name === "hr") return this.paragraphBreak();
    if (name === "pre") return this.preformatted(node);
    if (name === "table") return this.table(node, listDepth, stack);
    if (name === "ul" || name === "ol") return this.list(node, listDepth, stack);
    // Inside a list item a block is a line of the item, not a paragraph of its own.
    const block = BLOCKS.has(name);
    const blockBreak = () => (listDepth > 0 ? this.lineBreak() : this.paragraphBreak());
    if (block) blockBreak();
    schedule(stack, [
      ...node.children.map((child) => ({ node: child, listDepth })),
      ...(block ? [blockBreak] : []),
    ]);
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
    this.headings.push({ level, text: headingPathText(text) });
    this.paragraphBreak();
    this.emit(text, false);
    this.afterMarker = false;
    this.paragraphBreak();
  }

  private flush(): void {
    const text = this.parts.join("").trim();
    if (text !== "")
      this.sections.push({ text, page: null, heading_path: this.headings.map((h) => h.text) });
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

  private list(node: Element, depth: number, stack: Task[]): void {
    if (depth === 0) this.paragraphBreak();
    else this.lineBreak();
    const tasks: Task[] = [];
    let n = 0;
    for (const item of node.children) {
      if (!isTag(item) || isDropped(item)) continue;
      if (item.name !== "li") {
        tasks.push({ node: item, listDepth: depth + 1 });
        continue;
      }
      n += 1;
      const marker = `${"  ".repeat(depth)}${node.name === "ol" ? `${n}.` : "-"} `;
      tasks.push(() => {
        this.afterMarker = false;
        this.lineBreak();
        this.emit(marker, false);
      });
      for (const child of item.children) tasks.push({ node: child, listDepth: depth + 1 });
      tasks.push(() => this.lineBreak());
    }
    if (depth === 0) tasks.push(() => this.paragraphBreak());
    schedule(stack, tasks);
  }

  private table(node: Element, listDepth: number, stack: Task[]): void {
    const rows = tableRows(node);
    if (isLayoutTable(node, rows, this.analysis)) {
      this.paragraphBreak();
      schedule(stack, [
        ...node.children.map((child) => ({ node: child, listDepth })),
        () => this.paragraphBreak(),
      ]);
      return;
    }
    const markdown = markdownTable(rows);
    if (markdown === "") return;
    this.paragraphBreak();
    this.emit(markdown, true);
    this.paragraphBreak();
  }
}

/** Pushes tasks so that they pop in the order given. */
function schedule(stack: Task[], tasks: Task[]): void {
  for (let i = tasks.length - 1; i >= 0; i--) {
    const task = tasks[i];
    if (task !== undefined) stack.push(task);
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

/**
 * Text of an element on one line: blocks and line breaks become spaces, nested tables
 * flatten. With a budget, null once the budget is spent.
 */
function inlineText(node: ChildNode, budget?: { left: number }): string;
function inlineText(node: ChildNode, budget: { left: number }): string | null;
function inlineText(node: ChildNode, budget?: { left: number }): string | null {
  const parts: string[] = [];
  // A string on the stack is a space owed after an element's children.
  const stack: (ChildNode | string)[] = [node];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (typeof n === "string") {
      parts.push(n);
      continue;
    }
    if (budget && --budget.left < 0) return null;
    if (isText(n)) parts.push(n.data);
    else if (isTag(n) && !isDropped(n)) {
      if (n.name === "br" || BLOCKS.has(n.name) || n.name === "li") {
        parts.push(" ");
        stack.push(" ");
      }
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as ChildNode);
    }
  }
  return parts.join("").replace(/\s+/g, " ").trim();
}

function rawText(node: ChildNode): string {
  const parts: string[] = [];
  const stack: ChildNode[] = [node];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (isText(n)) parts.push(n.data);
    else if (isTag(n) && !isDropped(n)) {
      if (n.name === "br") parts.push("\n");
      else for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i] as ChildNode);
    }
  }
  return parts.join("");
}

/** The rows of this table (not of tables nested in its cells). */
function tableRows(table: Element): Element[][] {
  const rows: Element[][] = [];
  const stack: Element[] = [table];
  for (let parent = stack.pop(); parent !== undefined; parent = stack.pop()) {
    const groups: Element[] = [];
    for (const child of parent.children) {
      if (!isTag(child) || isDropped(child)) continue;
      if (child.name === "tr")
        rows.push(
          child.children.filter(
            (c): c is Element => isTag(c) && (c.name === "td" || c.name === "th"),
          ),
        );
      else if (child.name === "thead" || child.name === "tbody" || child.name === "tfoot")
        groups.push(child);
    }
    for (let i = groups.length - 1; i >= 0; i--) stack.push(groups[i] as Element);
  }
  return rows.filter((r) => r.length > 0);
}

/** Whether a table lays out a page rather than holding data; spent budget reads as layout. */
function isLayoutTable(table: Element, rows: Element[][], budget: { left: number }): boolean {
  if (rows.length < 2 || widest(rows) < 2) return true;
  for (const row of rows) {
    for (const cell of row) {
      if (
        hasDescendant(
          cell,
          budget,
          (el) =>
            el.name in HEADINGS ||
            el.name === "ul" ||
            el.name === "ol" ||
            el.name === "pre" ||
            el.name === "blockquote",
        )
      )
        return true;
      if (
        hasDescendant(
          cell,
          budget,
          (el) =>
            el.name === "table" && hasDescendant(el, budget, (inner) => inner.name === "table"),
        )
      )
        return true;
      const text = inlineText(cell, budget);
      if (text === null || text.length > MAX_DATA_CELL_CHARS) return true;
    }
  }
  return table.attribs.role === "presentation";
}

/** Whether a (not dropped) descendant passes `test`; true also once the budget is spent. */
function hasDescendant(
  node: Element,
  budget: { left: number },
  test: (el: Element) => boolean,
): boolean {
  const stack: ChildNode[] = [...node.children];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    if (--budget.left < 0) return true;
    if (!isTag(n) || isDropped(n)) continue;
    if (test(n)) return true;
    for (const child of n.children) stack.push(child);
  }
  return false;
}

/** The length of the longest row, without spreading (a table can have a million rows). */
function widest(rows: unknown[][]): number {
  let width = 0;
  for (const row of rows) width = Math.max(width, row.length);
  return width;
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
  const width = widest(grid);
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
