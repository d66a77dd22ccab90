/**
 * HTML keeps what a reader sees: no scripts, styles, navigation, page header and footer,
 * forms or hidden elements; entities decoded; headings as the heading path of the text
 * under them; data tables as Markdown, layout tables as plain blocks.
 */
import { describe, expect, it } from "vitest";
import { htmlToSections } from "../../../workers/ingestion/html.ts";
import { parseDocument } from "../../../workers/ingestion/parse.ts";
import { readEvalDoc } from "./eval-docs.ts";

const textOf = (html: string) =>
  htmlToSections(html)
    .map((s) => s.text)
    .join("\n\n");

describe("htmlToSections", () => {
  it("drops scripts, styles, navigation, header, footer, forms and hidden elements", () => {
    const text = textOf(`<html><head><title>T</title><style>p { color: red }</style></head><body>
      <header>Site header</header><nav><a href="/">Home</a></nav><script>alert("x")</script>
      <noscript>Enable JS</noscript><div role="navigation">Breadcrumbs</div>
      <a class="element-invisible" href="#main">Skip to main content</a>
      <main><p>The article.</p><div style="display: none">Hidden fact</div><p hidden>Also hidden</p></main>
      <aside>Related links</aside><form><label>Search</label><input value="q"></form><footer>Copyright</footer>
    </body></html>`);
    expect(text).toBe("The article.");
  });

  it("keeps content that a page without <body> leaves inside <head>, but not its title", () => {
    expect(
      textOf("<html><head><title>Tab title</title><meta charset=utf-8><p>Body text</p></html>"),
    ).toBe("Body text");
  });

  it("decodes named and numeric entities and collapses whitespace", () => {
    expect(
      textOf(
        "<p>g&amp;t &gt;b&lt; caf&eacute; &#8211; &#x20AC;5&nbsp;&nbsp;net</p>\n\n<p>  spread\n   over   lines </p>",
      ),
    ).toBe("g&t >b< café – €5 net\n\nspread over lines");
  });

  it("gives each section the path of the headings above it", () => {
    const sections = htmlToSections(
      "<h1>Guide</h1><p>Intro.</p><h2>Setup</h2><p>Install.</p><h3>Linux</h3><p>apt.</p><h2>Use</h2><p>Run.</p>",
    );
    expect(sections.map((s) => [s.heading_path, s.text])).toEqual([
      [["Guide"], "Guide\n\nIntro."],
      [["Guide", "Setup"], "Setup\n\nInstall."],
      [["Guide", "Setup", "Linux"], "Linux\n\napt."],
      [["Guide", "Use"], "Use\n\nRun."],
    ]);
  });

  it("keeps a heading with nothing under it in the next section's text", () => {
    const sections = htmlToSections("<h1>Chapter 2</h1><h2>Benefits</h2><p>Paid leave.</p>");
    expect(sections).toEqual([
      {
        text: "Chapter 2\n\nBenefits\n\nPaid leave.",
        page: null,
        heading_path: ["Chapter 2", "Benefits"],
      },
    ]);
  });

  it("renders a data table as Markdown, repeating row-spanning cells and skipping empty spacer columns", () => {
    const text = textOf(`<table>
      <tr><th>State</th><td></td><th>Permit</th></tr>
      <tr><td rowspan="2">Kentucky</td><td></td><td>264,140</td></tr>
      <tr><td></td><td>1 | 2</td></tr></table>`);
    expect(text).toBe(
      "| State | Permit |\n| --- | --- |\n| Kentucky | 264,140 |\n| Kentucky | 1 \\| 2 |",
    );
  });

  it("reads a layout table (one column, or prose in cells) as ordinary blocks", () => {
    const prose = "A long paragraph of an essay laid out with a table. ".repeat(12);
    expect(textOf(`<table><tr><td>Menu</td></tr><tr><td>Body text</td></tr></table>`)).toBe(
      "Menu\n\nBody text",
    );
    expect(
      textOf(`<table><tr><td>Nav</td><td>${prose}</td></tr><tr><td>x</td><td>y</td></tr></table>`),
    ).toContain(`Nav\n\n${prose.trim()}`);
  });

  it("writes lists with their markers and nesting", () => {
    expect(textOf("<ul><li>One</li><li><p>Two</p><ol><li>Two a</li></ol></li></ul>")).toBe(
      "- One\n- Two\n  1. Two a",
    );
  });

  it("keeps the article of a real saved page and none of its script bodies", async () => {
    const doc = await parseDocument(readEvalDoc("example-with-scripts.html"), "html");
    const text = doc.sections.map((s) => s.text).join("\n");
    expect(text).toContain("Belarusian forces remain unlikely to attack Ukraine");
    expect(text).not.toMatch(/Skip to main content|function\s*\(|jQuery|googletag|@import/);
  });
});
