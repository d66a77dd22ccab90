/**
 * Nesting costs heap, not call stack: deep HTML (divs, lists, tables in tables) and deep
 * Markdown are read; HTML past the documented depth is refused with a reason, never a
 * "Maximum call stack size exceeded".
 */
import { describe, expect, it } from "vitest";
import { parseHtml, htmlToSections } from "../../../workers/ingestion/html.ts";
import { LIMITS } from "../../../workers/ingestion/limits.ts";
import { parseMarkdown } from "../../../workers/ingestion/markdown.ts";
import { ParseError } from "../../../workers/ingestion/types.ts";
import { deeplyNestedHtml, deeplyNestedMarkdown } from "../../support/hostile-files.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const textOf = (html: string) =>
  htmlToSections(html)
    .map((s) => s.text)
    .join("\n\n");

describe("deep nesting", () => {
  it("refuses the attack's 100k nested tags with the depth limit in the reason", async () => {
    const error = await parseHtml(bytes(deeplyNestedHtml(100_000))).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({
      code: "DOCUMENT_TOO_LARGE",
      message:
        "this document nests its HTML elements more than 10,000 levels deep, more than can be read safely",
    });
  });

  it("reads text nested just under the depth limit", () => {
    const text = textOf(deeplyNestedHtml(LIMITS.htmlDepth - 10, "span"));
    expect(text).toBe("Deep inside the nest.\n\nAfter the nest.");
  });

  it("reads lists nested thousands of levels deep, each item on its own line", () => {
    const depth = 3_000;
    const html = `${"<ul><li>x".repeat(depth)}${"</li></ul>".repeat(depth)}`;
    const lines = textOf(html).split("\n");
    expect(lines).toHaveLength(depth);
    expect(lines[2]).toBe("    - x");
  });

  it("reads tables nested in tables thousands deep as layout, keeping their text", () => {
    const depth = 3_000;
    const html = `${"<table><tr><td>cell</td><td>".repeat(depth)}core${"</td></tr></table>".repeat(depth)}`;
    const text = textOf(html);
    expect(text.match(/cell/g)).toHaveLength(depth);
    expect(text).toContain("core");
  });

  it("reads Markdown quotes nested 100,000 deep and lists nested 3,000 deep", async () => {
    const doc = await parseMarkdown(bytes(deeplyNestedMarkdown(100_000, 3_000)));
    const text = doc.sections.map((s) => s.text).join("\n");
    expect(text).toContain("Quoted deep inside.");
    expect(text).toContain("- item 2999");
    expect(doc.sections[0]?.heading_path).toEqual(["Deep"]);
  });
});
