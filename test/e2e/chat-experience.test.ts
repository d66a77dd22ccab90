/**
 * The visitor's chat as a product, in a real browser at 390 px and 1280 px: a long answer
 * streams and ends with its start in view (the page scrolls, not an inner box); a visitor who
 * scrolls up while it streams is left there and offered "Jump to latest"; the answer's sources
 * are collapsed to "N sources" (N documents, no more than the answer cites, the passage it did
 * not cite left out); an over-long message is refused in the page with the reason shown; and
 * nothing scrolls sideways. An agent without a language model quotes its documents, and the
 * chat says so once in a label instead of in every answer.
 *
 * The language model is a local OpenAI-compatible server (bench/lib) that sends one word every
 * TOKEN_DELAY_MS and cites passages [1] and [2] of the three in its prompt. Screenshots of the
 * screen as the visitor sees it go to test-results/screenshots/chat-*.png at both widths, light
 * and dark, each audited by axe-core (0 serious or critical). Nothing here asserts timing.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { startFakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import type { FakeOpenAI } from "../../bench/lib/openai-compatible-server.ts";
import { jsonClient, startWorker } from "../node/harness.ts";
import { axeProblems, sidewaysScroll } from "./audit.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = join(ROOT, "test-results/screenshots");
const TOKEN_DELAY_MS = 25;
const ANSWER_WAIT_MS = 90_000;
const LLM_AGENT = "Clinic desk";
const QUOTE_AGENT = "Quote desk";
const QUESTION = "When does the Riverside clinic open, and where do visitors park?";

/** A long answer (taller than a phone's screen) citing two of the three passages it is given. */
const ANSWER = [
  "The Riverside clinic opens at eight in the morning on weekdays [2].",
  ...Array.from(
    { length: 6 },
    (_, i) =>
      `Paragraph ${i + 1}: the clinic's staff welcome visitors at the front desk, answer questions about appointments, explain what to bring and point the way to the waiting room, the pharmacy and the lifts.`,
  ),
  "Visitors park for free behind the pharmacy [1].",
]
  .join("\n\n")
  .split(/(?<= )/);

const DOCS: Record<string, string> = {
  "Clinic hours":
    "The Riverside clinic opens at eight in the morning and closes at six in the evening on weekdays.",
  "Parking guide": "Visitors to the Riverside clinic park for free behind the pharmacy.",
  "Cafeteria menu": "The Riverside clinic cafeteria serves soup and sandwiches at lunch.",
};

let worker: Awaited<ReturnType<typeof startWorker>>;
let llm: FakeOpenAI;
let browser: Browser;
const call = jsonClient(() => worker.url);
const pageErrors: string[] = [];
const problems: string[] = [];
const agents = { llm: "", quote: "" };
let publicUrl = "";

async function createAgent(token: string, name: string, model: string, icon: string) {
  const res = await call("/api/v1/agents", {
    method: "POST",
    token,
    json: {
      name,
      icon,
      description: `${name}: questions about the Riverside clinic.`,
      is_public: true,
      execution_config: { model },
      query_config: { mode: "rag", top_k: 3, similarity_threshold: 0 },
    },
  });
  expect(res.status).toBe(201);
  return String(res.body.id);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "web/dist/index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  await mkdir(SHOTS, { recursive: true });
  llm = await startFakeOpenAI({ tokens: ANSWER, interTokenDelayMs: TOKEN_DELAY_MS });
  worker = await startWorker({
    OPENAI_API_KEY: "sk-e2e-chat",
    OPENAI_BASE_URL: llm.url,
    OPENAI_MODELS: "fake-model",
  });
  browser = await launchChromium();

  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `e2e-chat-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  const token = String(signIn.body.access_token);
  const profile = await call("/api/v1/profile", {
    method: "PATCH",
    token,
    json: { display_name: "Riverside Clinic" },
  });
  expect(profile.status).toBe(200);
  publicUrl = `${worker.url}/${String(profile.body.username)}`;
  agents.llm = await createAgent(token, LLM_AGENT, "fake-model", "concierge-bell");
  agents.quote = await createAgent(token, QUOTE_AGENT, "extractive", "life-buoy");
  for (const [name, content] of Object.entries(DOCS)) {
    const ingest = await call("/api/v1/ingest", {
      method: "POST",
      token,
      json: { document_name: name, content, agent_ids: [agents.llm, agents.quote] },
    });
    expect(ingest.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const s = await call(`/api/v1/ingest/${String(ingest.body.job_id)}/status`, { token });
      if (s.body.status !== "processing" && s.body.status !== "queued") break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
  await llm?.close();
});

/** A visitor's page on the public page with `agentId`'s chat open. */
async function visit(width: number, agentId: string) {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
  });
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(`${width}: ${e.message}`));
  await page.goto(`${publicUrl}?agent=${agentId}`);
  await page.getByRole("region", { name: /^Chat with / }).waitFor();
  return page;
}

const lastAnswer = (page: Page) => page.locator(".chat-message.assistant").last();

/** Where an element's top is on screen, and the screen's height. */
const topOnScreen = (page: Page) =>
  lastAnswer(page).evaluate((el) => ({
    top: el.getBoundingClientRect().top,
    height: window.innerHeight,
  }));

async function ask(page: Page, agentName: string, text: string) {
  const input = page.getByLabel(`Message ${agentName}`);
  await input.fill(text);
  await input.press("Enter");
}

/** Screenshots (light and dark) and the audit of the page as it is. */
async function shootAndAudit(page: Page, name: string) {
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme, reducedMotion: "reduce" });
    // What the visitor sees on the screen (a full-page shot would draw the sticky composer
    // over the conversation, where the screen's bottom happened to be).
    await page.screenshot({ path: join(SHOTS, `${name}-${theme}.png`) });
    for (const line of await axeProblems(page)) problems.push(`${name} ${theme}: ${line}`);
    const sideways = await sidewaysScroll(page);
    if (sideways) problems.push(`${name} ${theme}: ${sideways}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
}

describe.each([390, 1280])("the visitor's chat at %i px", (width) => {
  it("brings a long answer into view at its start, and offers Jump to latest when scrolled up", async () => {
    const page = await visit(width, agents.llm);
    await ask(page, LLM_AGENT, QUESTION);
    await page
      .locator('.chat-message.assistant[data-status="done"]')
      .waitFor({ timeout: ANSWER_WAIT_MS });
    const first = await topOnScreen(page);
    // The answer's first line is on screen (not scrolled past to the sources at its end).
    expect(first.top).toBeGreaterThanOrEqual(0);
    expect(first.top).toBeLessThan(first.height / 2);
    const answerHeight = await lastAnswer(page).evaluate((el) => el.getBoundingClientRect().height);
    expect(answerHeight).toBeGreaterThan(first.height / 3);
    await shootAndAudit(page, `chat-${width}`);

    // A second answer: the visitor scrolls up while it streams and is left there.
    await ask(page, LLM_AGENT, "And on Saturdays?");
    await lastAnswer(page)
      .getByText(/Paragraph 1/)
      .waitFor({ timeout: ANSWER_WAIT_MS });
    await page.mouse.move(width / 2, 200);
    await page.mouse.wheel(0, -5000);
    const jump = page.getByRole("button", { name: "Jump to latest" });
    await jump.waitFor();
    const scrolledTo = await page.evaluate(() => window.scrollY);
    await page
      .locator('.chat-message.assistant[data-status="done"]')
      .nth(1)
      .waitFor({ timeout: ANSWER_WAIT_MS });
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolledTo);
    await jump.click();
    await page.waitForFunction(() => !document.querySelector(".chat-jump"));
    await shootAndAudit(page, `chat-latest-${width}`);
    await page.context().close();
  });

  it("collapses the sources to the documents the answer cites", async () => {
    const page = await visit(width, agents.llm);
    await ask(page, LLM_AGENT, QUESTION);
    const done = page.locator('.chat-message.assistant[data-status="done"]').last();
    await done.waitFor({ timeout: ANSWER_WAIT_MS });
    const text = await done.locator(".markdown").innerText();
    const cited = new Set(text.match(/\[\d+\]/g));
    const summary = done.locator("summary");
    const label = await summary.innerText();
    const n = Number(/^(\d+) sources?$/.exec(label)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(cited.size);
    expect(await done.locator("details").getAttribute("open")).toBeNull();
    await summary.click();
    await expect
      .poll(() => done.locator(".citation-doc-name").allInnerTexts())
      .toEqual(expect.arrayContaining(["Clinic hours", "Parking guide"]));
    expect(await done.locator(".citation-doc-name").allInnerTexts()).not.toContain(
      "Cafeteria menu",
    );
    await shootAndAudit(page, `chat-sources-${width}`);
    await page.context().close();
  });

  it("refuses an over-long message in the page, with the reason, and sends nothing", async () => {
    const page = await visit(width, agents.llm);
    const sent: string[] = [];
    page.on("websocket", (ws) => ws.on("framesent", ({ payload }) => sent.push(String(payload))));
    const input = page.getByLabel(`Message ${LLM_AGENT}`);
    await input.fill("x".repeat(6000));
    expect((await input.inputValue()).length).toBe(6000);
    const send = page.getByRole("button", { name: "Send" });
    expect(await send.isDisabled()).toBe(true);
    await page.getByText(/at most 4,000 characters\. Remove 2,000 to send it\./).waitFor();
    await input.press("Enter");
    expect(await page.locator(".chat-message").count()).toBe(0);
    expect(sent.filter((f) => f.includes("chat_message"))).toEqual([]);
    expect(await sidewaysScroll(page)).toBeNull();
    await shootAndAudit(page, `chat-limit-${width}`);
    await page.context().close();
  });
});

describe("an agent without a language model", () => {
  it("quotes the documents with citations and says so once, in a label", async () => {
    const page = await visit(390, agents.quote);
    await ask(page, QUOTE_AGENT, "Where do visitors park?");
    const done = page.locator('.chat-message.assistant[data-status="done"]').last();
    await done.waitFor({ timeout: ANSWER_WAIT_MS });
    const text = await done.locator(".markdown").innerText();
    expect(text).toContain("Visitors to the Riverside clinic park for free behind the pharmacy.");
    expect(text).toMatch(/\[1\]/);
    expect(text).not.toMatch(/language model/i);
    expect(await page.getByText(/Answers quote the documents directly/).count()).toBe(1);
    expect(await done.locator("summary").innerText()).toBe("1 source");
    await shootAndAudit(page, "chat-offline-390");
    await page.context().close();
  });

  it("shows each agent's icon on its card, inside the card", async () => {
    const page = await visit(390, agents.quote);
    const cards = page.locator(".agent-choice");
    expect(await cards.count()).toBe(2);
    for (const card of await cards.all()) {
      expect(await card.locator("svg").count()).toBe(1);
      expect(await card.innerText()).not.toMatch(/concierge-bell|life-buoy/);
      const fits = await card.evaluate((el) => el.scrollWidth <= el.clientWidth);
      expect(fits).toBe(true);
    }
    expect(await sidewaysScroll(page)).toBeNull();
    await page.context().close();
  });

  it("leaves no accessibility problem, no sideways scroll and no page error on any chat screen", () => {
    console.log(
      problems.length ? `chat audit problems:\n${problems.join("\n")}` : "chat audit: clean",
    );
    expect(pageErrors).toEqual([]);
    expect(problems).toEqual([]);
  });
});
