/**
 * Markdown is cut at its headings (ATX and setext), never inside fenced code, and each
 * section carries the path of the headings above it.
 */
import { describe, expect, it } from "vitest";
import { markdownToSections, parseMarkdown } from "../../../workers/ingestion/markdown.ts";
import { readEvalDoc } from "./eval-docs.ts";

describe("markdownToSections", () => {
  it("builds heading paths from # headings of every level", () => {
    const sections = markdownToSections(
      "Preface.\n\n# Guide\n\nIntro.\n\n## Setup ##\n\nInstall.\n\n### Linux\n\napt.\n\n## Use\n\nRun.\n",
    );
    expect(sections.map((s) => s.heading_path)).toEqual([
      [],
      ["Guide"],
      ["Guide", "Setup"],
      ["Guide", "Setup", "Linux"],
      ["Guide", "Use"],
    ]);
    expect(sections[2]?.text).toBe("## Setup ##\n\nInstall.\n");
  });

  it("ignores # lines inside fenced code", () => {
    const sections = markdownToSections(
      "# Script\n\n```bash\n# not a heading\necho hi\n```\n\nAfter.\n",
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]?.text).toContain("# not a heading");
  });

  it("recognises setext headings and strips link and emphasis syntax from heading names", () => {
    const sections = markdownToSections(
      "Title\n=====\n\nBody.\n\n**Part** [two](https://x.y)\n---\n\nMore.\n",
    );
    expect(sections.map((s) => s.heading_path)).toEqual([["Title"], ["Title", "Part two"]]);
  });

  it("keeps a heading with nothing under it together with the next section", () => {
    const sections = markdownToSections("# Chapter\n## Part\nText.\n");
    expect(sections).toEqual([
      { text: "# Chapter\n## Part\nText.\n", page: null, heading_path: ["Chapter", "Part"] },
    ]);
  });

  it("decodes an ISO-8859-1 file and splits a real README into its sections", async () => {
    const umlauts = await parseMarkdown(readEvalDoc("umlauts-non-utf8.md"));
    expect(umlauts.sections[0]).toMatchObject({
      heading_path: ["können"],
      text: "## können\n\nkönnen\n\näöüß",
    });
    const readme = await parseMarkdown(readEvalDoc("pdfplumber-README.md"));
    expect(readme.sections.length).toBeGreaterThan(20);
    expect(
      readme.sections.some((s) => s.heading_path.join(" > ") === "pdfplumber > Installation"),
    ).toBe(true);
  });
});
