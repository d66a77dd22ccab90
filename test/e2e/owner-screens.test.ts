/**
 * The owner's screens in a real browser, on a phone (390 px) and a desktop (1280 px), light and
 * dark: Conversations, one Conversation, Settings, Profile and Sign-in. Nothing scrolls
 * sideways; on a phone the dashboard's links are one working Menu and the conversation list is
 * stacked cards; the transcript shows the answer's Markdown rendered and durations a person
 * reads; the transcript downloads as CSV and JSON. Each screen is saved as
 * test-results/screenshots/owner-<screen>-<width>-<theme>.png for a person to look at.
 *
 * The data is made the honest quick way: the owner signs in with the development sign-in over
 * the API (the token goes into the page's storage as the sign-in page would put it), creates a
 * public agent, and a visitor's chat turn runs for real over the socket against a local
 * OpenAI-compatible server (bench/lib) that answers in Markdown. Nothing here asserts timing.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { startFakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import type { FakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import { jsonClient, startWorker } from "../node/harness.ts";
import { auditScreen } from "./audit.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const DIST = join(ROOT, "web/dist");
const SHOTS = join(ROOT, "test-results/screenshots");
const AGENT_NAME = "Front desk";
const QUESTION = "What is included in the room rate?";
const ANSWER_TOKENS = ["**Breakfast** ", "is included.\n\n", "- Wi-Fi\n", "- Parking\n"];
const WIDTHS = [390, 1280] as const;
const THEMES = ["light", "dark"] as const;
/** Generous bound for the visitor's turn to reach the CRM through the queue (never asserted). */
const CRM_WAIT_ROUNDS = 60;

let worker: Awaited<ReturnType<typeof startWorker>>;
let llm: FakeOpenAI;
let browser: Browser;
let context: BrowserContext;
const call = jsonClient(() => worker.url);
const pageErrors: string[] = [];
const owner = { token: "", session: "", conversationId: "" };

async function openPage(width: number, theme: "light" | "dark"): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.setViewportSize({ width, height: 900 });
  await page.emulateMedia({ colorScheme: theme });
  return page;
}

async function noSidewaysScroll(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }));
}

async function shot(page: Page, screen: string, width: number, theme: string) {
  await page.screenshot({
    path: join(SHOTS, `owner-${screen}-${width}-${theme}.png`),
    fullPage: true,
  });
}

/** The visitor's chat turn: chat/init with the first message, answered over the socket. */
async function visitorTurn(agentId: string): Promise<void> {
  const init = await call("/api/v1/chat/init", {
    method: "POST",
    json: { agent_id: agentId, initial_message: QUESTION, metadata: { page: "/rates" } },
  });
  expect(init.status).toBe(201);
  const socket = new WebSocket(`${init.body.websocket_url}?token=${init.body.session_token}`);
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("message", (e) => {
      const frame = JSON.parse(String(e.data)) as { message_type: string };
      if (frame.message_type === "chat_response") resolve();
    });
    socket.addEventListener("error", () => reject(new Error("chat socket failed")));
  });
  socket.close();
}

/** Turns reach the CRM through the conversation queue: ask until both messages are there. */
async function storedConversation(): Promise<string> {
  for (let i = 0; i < CRM_WAIT_ROUNDS; i++) {
    const list = await call("/api/v1/conversations", { token: owner.token });
    const found = (list.body.conversations as { id: string; message_count: number }[]).find(
      (c) => c.message_count >= 2,
    );
    if (found) return found.id;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error("the visitor's conversation never reached the CRM");
}

beforeAll(async () => {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  await mkdir(SHOTS, { recursive: true });
  llm = await startFakeOpenAI({ tokens: ANSWER_TOKENS });
  worker = await startWorker({
    OPENAI_API_KEY: "sk-e2e-owner-screens",
    OPENAI_BASE_URL: llm.url,
    OPENAI_MODELS: "fake-model",
  });

  const email = `e2e-owner-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signIn = await call("/api/v1/dev/sign-in", { method: "POST", json: { email } });
  expect(signIn.status).toBe(200);
  owner.token = String(signIn.body.access_token);
  owner.session = JSON.stringify({
    token: owner.token,
    expiresAt: Date.now() + Number(signIn.body.expires_in) * 1000,
    user: signIn.body.user,
  });
  const profile = await call("/api/v1/profile", {
    method: "PATCH",
    token: owner.token,
    json: { display_name: "Hotel Example" },
  });
  expect(profile.status).toBe(200);
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token: owner.token,
    json: {
      name: AGENT_NAME,
      is_public: true,
      execution_config: { model: "fake-model" },
      query_config: { mode: "simple" },
    },
  });
  expect(agent.status).toBe(201);
  await visitorTurn(String(agent.body.id));
  owner.conversationId = await storedConversation();

  browser = await launchChromium();
  context = await browser.newContext({ acceptDownloads: true });
  // Signed in as the sign-in page leaves the browser (lib/auth.ts keeps the dev session here).
  await context.addInitScript((session: string) => {
    localStorage.setItem("nooble.dev-session", session);
  }, owner.session);
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
  await llm?.close();
});

describe("the owner's screens on a phone and a desktop", () => {
  it("on a phone the dashboard's links are one Menu, with the current page marked, that navigates", async () => {
    const page = await openPage(390, "light");
    await page.goto(`${worker.url}/dashboard/conversations`);
    await page.getByRole("heading", { level: 1, name: "Conversations" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Dashboard" });
    expect(await nav.count()).toBe(1);
    expect(await nav.getByRole("link").count()).toBe(0);
    const menu = nav.getByRole("button", { name: "Menu" });
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    expect(await nav.getByRole("link").allInnerTexts()).toEqual([
      "Overview",
      "Agents",
      "Knowledge",
      "Conversations",
      "Profile",
      "Settings",
    ]);
    expect(
      await nav.getByRole("link", { name: "Conversations" }).getAttribute("aria-current"),
    ).toBe("page");
    await nav.getByRole("button", { name: "Sign out" }).waitFor();
    await nav.getByRole("button", { name: /^(Dark|Light) theme$/ }).waitFor();
    await shot(page, "menu-open", 390, "light");
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    await menu.click();
    await nav.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/dashboard\/settings$/);
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    expect(await nav.getByRole("link").count()).toBe(0);

    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await nav.getByRole("button", { name: "Menu" }).isVisible()).toBe(false);
    expect(await nav.getByRole("link", { name: "Settings" }).getAttribute("aria-current")).toBe(
      "page",
    );
    await page.close();
  });

  it("the transcript shows the answer's Markdown rendered and durations a person reads", async () => {
    const page = await openPage(1280, "light");
    await page.goto(`${worker.url}/dashboard/conversations/${owner.conversationId}`);
    const transcript = page.getByRole("list", { name: "Transcript" });
    await transcript.getByText(QUESTION).waitFor();
    const answer = transcript.locator(".message.assistant .markdown");
    expect(await answer.locator("strong").innerText()).toBe("Breakfast");
    expect(await answer.locator("li").allInnerTexts()).toEqual(["Wi-Fi", "Parking"]);
    expect(await answer.innerText()).not.toContain("**");
    const timings = await transcript.locator(".message-timings").innerText();
    expect(timings).toMatch(/answered in \d+([.,]\d+)? (s|min)/);
    expect(timings).not.toMatch(/\d ms\b/);
    const duration = page.locator("dt", { hasText: "Duration" }).locator("xpath=../dd");
    expect(await duration.innerText()).toMatch(/^\d+([.,]\d+)? (s|min|h)( \d+ (s|min))?$/);
    await page.close();
  });

  it("the transcript downloads as CSV and as JSON", async () => {
    const page = await openPage(390, "light");
    await page.goto(`${worker.url}/dashboard/conversations/${owner.conversationId}`);
    await page.getByRole("list", { name: "Transcript" }).getByText(QUESTION).waitFor();

    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download this conversation as CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(
      new RegExp(`^conversation-\\d{4}-\\d{2}-\\d{2}-${owner.conversationId.slice(0, 8)}\\.csv$`),
    );
    const csvText = await readFile(await csv.path(), "utf8");
    expect(csvText.split("\r\n")[0]).toBe(
      "conversation_id,agent_name,started_at,role,content,created_at,contact_name,contact_email,contact_phone,contact_note",
    );
    expect(csvText).toContain(QUESTION);
    expect(csvText).toContain("**Breakfast**");

    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download this conversation as JSON" }).click(),
    ]);
    expect(json.suggestedFilename()).toMatch(/\.json$/);
    const body = JSON.parse(await readFile(await json.path(), "utf8")) as {
      conversations: { id: string; messages: { role: string; content: string }[] }[];
    };
    expect(body.conversations.map((c) => c.id)).toEqual([owner.conversationId]);
    expect(body.conversations[0]?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    await page
      .getByRole("status")
      .filter({ hasText: /^Downloaded .*\.json\.$/ })
      .waitFor();
    await page.close();
  });

  for (const width of WIDTHS)
    for (const theme of THEMES)
      it(`at ${width} px, ${theme}: every owner screen fits the width, with nothing scrolling sideways`, async () => {
        const page = await openPage(width, theme);
        const screens: [name: string, path: string, heading: string | RegExp][] = [
          ["conversations", "/dashboard/conversations", "Conversations"],
          [
            "conversation",
            `/dashboard/conversations/${owner.conversationId}`,
            /^Conversation with/,
          ],
          ["settings", "/dashboard/settings", "Settings"],
          ["profile", "/dashboard/profile", "Profile"],
          ["sign-in", "/sign-in", "Sign in"],
        ];
        const overflowing: string[] = [];
        for (const [name, path, heading] of screens) {
          await page.goto(`${worker.url}${path}`);
          await page.getByRole("heading", { level: 1, name: heading }).waitFor();
          if (name === "conversation")
            await page.getByRole("list", { name: "Transcript" }).getByText(QUESTION).waitFor();
          if (name === "conversations") {
            await page.getByRole("row").filter({ hasText: QUESTION }).waitFor();
            const display = await page
              .locator("table.stack-on-phone tbody tr")
              .first()
              .evaluate((tr) => getComputedStyle(tr).display);
            expect(display).toBe(width <= 600 ? "block" : "table-row");
          }
          if (name === "profile") await page.getByLabel("Display name").waitFor();
          if (name === "sign-in") await page.getByLabel("Email").waitFor();
          const size = await noSidewaysScroll(page);
          if (size.scrollWidth > size.innerWidth)
            overflowing.push(`${name}: ${size.scrollWidth} px wide in ${size.innerWidth}`);
          await shot(page, name, width, theme);
        }
        expect(overflowing).toEqual([]);
        await page.close();
      });

  it("every owner screen, and the phone Menu open, has no serious or critical axe-core violation", async () => {
    const page = await openPage(1280, "light");
    const problems: string[] = [];
    const screens: [name: string, path: string][] = [
      ["conversations", "/dashboard/conversations"],
      ["conversation", `/dashboard/conversations/${owner.conversationId}`],
      ["settings", "/dashboard/settings"],
      ["profile", "/dashboard/profile"],
      ["sign-in", "/sign-in"],
      ["not-found", "/dashboard/no-such-page"],
    ];
    for (const [name, path] of screens) {
      await page.goto(`${worker.url}${path}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await page.waitForLoadState("networkidle");
      problems.push(...(await auditScreen(page, `owner-${name}`)));
    }
    await page.goto(`${worker.url}/dashboard/conversations`);
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    problems.push(
      ...(await auditScreen(page, "owner-menu-open", async (p) => {
        const menu = p.getByRole("button", { name: "Menu" });
        if ((await menu.isVisible()) && (await menu.getAttribute("aria-expanded")) !== "true")
          await menu.click();
      })),
    );
    expect(problems).toEqual([]);
    await page.close();
  });

  it("raised no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
