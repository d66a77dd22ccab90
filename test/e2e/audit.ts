/**
 * The check every main screen passes, in the four ways people see it: 1280 px and 390 px wide,
 * light and dark (the app follows the system's colour scheme unless the owner chose one).
 * For each: a full-page screenshot in test-results/screenshots/ for a person to look at, an
 * axe-core audit (WCAG 2.x A/AA rules) of which serious and critical violations are problems,
 * and whether the page scrolls sideways.
 *
 * axe-core is injected from node_modules (no network). The audit returns problems as
 * readable lines rather than failing, so one run reports every screen's problems at once.
 */
import { mkdir } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Page } from "playwright-core";

const ROOT = new URL("../../", import.meta.url).pathname;
export const SHOTS = join(ROOT, "test-results/screenshots");
const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);

export const VIEWPORTS = [
  { label: "1280", width: 1280, height: 900 },
  { label: "390", width: 390, height: 844 },
] as const;
export const THEMES = ["light", "dark"] as const;

interface AxeNode {
  target: string[];
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

/** Serious and critical axe violations on the page as it is now, one line each. */
export async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window)))
    await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
      resultTypes: ["violations"],
    });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(" "))
          .join(", ")}${v.nodes.length > 3 ? `, +${v.nodes.length - 3} more` : ""})`,
    );
}

/** Whether the page is wider than the window (something scrolls sideways). */
export async function sidewaysScroll(page: Page): Promise<string | null> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
  }));
  return scroll > inner ? `scrolls sideways: ${scroll} px wide in a ${inner} px window` : null;
}

/**
 * Shoots and audits `name` at each viewport and theme. `ready` is awaited after each change
 * (the layout may render different content on a phone). The page is left at 1280 px, light.
 */
export async function auditScreen(
  page: Page,
  name: string,
  ready: (page: Page) => Promise<void> = async () => {},
): Promise<string[]> {
  await mkdir(SHOTS, { recursive: true });
  const problems: string[] = [];
  for (const viewport of VIEWPORTS) {
    for (const theme of THEMES) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
      await ready(page);
      // At the end of the page a sticky bar (the chat's composer) sits where it belongs; a
      // full-page capture from the top would draw it over the content it stays above.
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      await page.screenshot({
        path: join(SHOTS, `screen-${name}-${viewport.label}-${theme}.png`),
        fullPage: true,
      });
      const where = `${name} @${viewport.label} ${theme}`;
      for (const line of await axeProblems(page)) problems.push(`${where}: ${line}`);
      const sideways = await sidewaysScroll(page);
      if (sideways) problems.push(`${where}: ${sideways}`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
  return problems;
}
