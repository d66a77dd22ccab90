/**
 * What a visitor's browser fetches to show a public page the first time (a fresh context, as
 * `npm run bench:web` loads it): the app shell is one script and the page's code beyond it one
 * script and one style sheet (web/build/public-page-chunk.ts); those and the page's data are
 * requested before the shell has even arrived (web/build/public-page-preload.ts), each once:
 * the page's own request for its data is answered by the browser's cache. App pages send no
 * profile request. Nothing here asserts timing: only which requests are made, and their order.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { jsonClient, startWorker } from "../node/harness.ts";

const DIST = join(new URL("../../", import.meta.url).pathname, "web/dist");
const DISPLAY_NAME = "First Render";

let worker: Awaited<ReturnType<typeof startWorker>>;
let browser: Browser;
let username = "";
const call = jsonClient(() => worker.url);

beforeAll(async () => {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  worker = await startWorker();
  browser = await launchChromium();
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `e2e-first-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  const token = String(signIn.body.access_token);
  const profile = await call("/api/v1/profile", {
    method: "PATCH",
    token,
    json: { display_name: DISPLAY_NAME },
  });
  username = String(profile.body.username);
  await call("/api/v1/agents", {
    method: "POST",
    token,
    json: { name: "Front desk", template_id: "receptionist", is_public: true },
  });
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
});

interface Entry {
  path: string;
  type: string;
  start: number;
  end: number;
  /** 0 when the browser's cache answered. */
  transferSize: number;
}

/** Opens `path` in a fresh context and returns its Resource Timing entries once `ready` holds. */
async function firstLoad(path: string, ready: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${worker.url}${path}`);
  await ready(page);
  const entries = JSON.parse(
    String(
      await page.evaluate(`JSON.stringify(performance.getEntriesByType("resource").map((e) => ({
        path: new URL(e.name).pathname, type: e.initiatorType, start: e.startTime,
        end: e.responseEnd, transferSize: e.transferSize })))`),
    ),
  ) as Entry[];
  await context.close();
  return entries;
}

describe("a public page's first load", () => {
  it("requests the page's two scripts, its style sheets and its data once each, from the start", async () => {
    const entries = await firstLoad(`/${username}`, (page) =>
      page.getByRole("heading", { name: DISPLAY_NAME }).first().waitFor(),
    );
    const profileCalls = entries.filter((e) => e.path === `/api/v1/public/profiles/${username}`);
    expect(profileCalls.length, JSON.stringify(entries)).toBeGreaterThanOrEqual(1);
    expect(profileCalls.filter((e) => e.transferSize > 0)).toHaveLength(1);

    const scripts = entries.filter((e) => e.path.endsWith(".js"));
    const styles = entries.filter((e) => e.path.endsWith(".css"));
    const unhashed = (es: Entry[]) => es.map((e) => e.path.replace(/-[\w-]{8}\.(js|css)$/, ".$1"));
    // The app shell (the entry) and the public page's one chunk, each fetched once (a preload the
    // page did not use would show as a second request). Style sheets: the shell's, and the page's
    // own only if it has CSS the shell does not (the landing page's example already brings the
    // chat's and the public page's styles into the shell).
    expect(unhashed(scripts).sort()).toEqual(["/assets/PublicProfilePage.js", "/assets/index.js"]);
    const sheets = unhashed(styles).sort();
    expect(new Set(sheets).size).toBe(sheets.length);
    expect(
      sheets.every((s) => s === "/assets/index.css" || s === "/assets/PublicProfilePage.css"),
    ).toBe(true);
    expect(sheets).toContain("/assets/index.css");

    const shell = scripts.find((e) => e.path.startsWith("/assets/index-"));
    const pageChunk = scripts.find((e) => e.path.startsWith("/assets/PublicProfilePage-"));
    const pageStyle = styles.find((e) => e.path.startsWith("/assets/PublicProfilePage-"));
    // Requested from index.html, not after the shell has arrived and run.
    for (const early of [pageChunk, ...(pageStyle ? [pageStyle] : []), profileCalls[0]])
      expect(early?.start, JSON.stringify(entries)).toBeLessThan(shell?.end ?? 0);
  });

  it("sends no profile request from an app page", async () => {
    const entries = await firstLoad("/sign-in", (page) =>
      page.getByRole("heading").first().waitFor(),
    );
    expect(entries.filter((e) => e.path.startsWith("/api/v1/public/"))).toEqual([]);
  });
});
