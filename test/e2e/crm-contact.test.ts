/**
 * The contact a visitor left, on the owner's CRM screens in a real browser: the conversation
 * list's Contact column and the transcript's Contact details card, at 1280 and 390 px, light
 * and dark, audited by axe-core (0 serious or critical) with nothing scrolling sideways;
 * screenshots go to test-results/screenshots/screen-crm-contact-*.png.
 *
 * The conversation is a real visitor turn (offline provider) stored through the conversation
 * queue. Its contact is written to the row directly: the agent loop that runs capture_contact
 * is not part of this test (its path to the row has Worker tests: the tool, the outbox, the
 * consumer).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { planTestDatabase } from "../support/database.ts";
import { jsonClient, startWorker } from "../node/harness.ts";
import { auditScreen } from "./audit.ts";

const DIST = new URL("../../web/dist", import.meta.url).pathname;
const MESSAGE =
  "Please have someone call me back about a group booking. I'm Ada Lovelace, ada.lovelace@example.com, +33 6 12 34 56 78.";

let worker: Awaited<ReturnType<typeof startWorker>>;
let browser: Browser;
let page: Page;
const call = jsonClient(() => worker.url);
const pageErrors: string[] = [];
const seed = { token: "", conversationId: "" };

beforeAll(async () => {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  worker = await startWorker();
  browser = await launchChromium();
  const email = `e2e-contact-${crypto.randomUUID().slice(0, 8)}@example.com`;
  const signIn = await call("/api/v1/dev/sign-in", { method: "POST", json: { email } });
  expect(signIn.status).toBe(200);
  seed.token = String(signIn.body.access_token);
  const session = JSON.stringify({
    token: seed.token,
    expiresAt: Date.now() + Number(signIn.body.expires_in) * 1000,
    user: signIn.body.user,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((value) => {
    localStorage.setItem("nooble.dev-session", value);
  }, session);
  page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
});

/** A visitor's turn with a public agent, then the conversation as the CRM lists it. */
async function conversationWithContact(): Promise<string> {
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token: seed.token,
    json: { name: "Group bookings", template_id: "receptionist", is_public: true },
  });
  expect(agent.status).toBe(201);
  const init = await call("/api/v1/chat/init", {
    method: "POST",
    json: { agent_id: agent.body.id, initial_message: MESSAGE },
  });
  expect(init.status).toBe(201);
  let id = "";
  for (let i = 0; i < 120 && !id; i++) {
    const list = await call("/api/v1/conversations", { token: seed.token });
    id = list.body.conversations?.[0]?.id ?? "";
    if (!id) await new Promise((r) => setTimeout(r, 250));
  }
  expect(id).not.toBe("");
  const sql = postgres((await planTestDatabase()).url, { max: 1, onnotice: () => {} });
  try {
    await sql`update conversations set contact_name = 'Ada Lovelace',
      contact_email = 'ada.lovelace@example.com', contact_phone = '+33 6 12 34 56 78',
      contact_note = 'Wants a call back about a group booking for twelve people in May.',
      contact_captured_at = now() where id = ${id}`;
  } finally {
    await sql.end();
  }
  return id;
}

describe("the visitor's contact on the CRM screens", () => {
  it("shows the Contact column and the Contact details card, accessible and within the page at 1280 and 390 px", async () => {
    seed.conversationId = await conversationWithContact();
    const problems: string[] = [];

    await page.goto(`${worker.url}/dashboard/conversations`);
    const cell = page.locator('td[data-label="Contact"]').first();
    await cell.waitFor();
    expect(await cell.textContent()).toBe("Ada Lovelaceada.lovelace@example.com");
    await page.waitForLoadState("networkidle");
    problems.push(...(await auditScreen(page, "crm-contact-list")));

    await page.goto(`${worker.url}/dashboard/conversations/${seed.conversationId}`);
    const card = page.getByRole("region", { name: "Contact details" });
    await card.waitFor();
    expect(await card.getByRole("link", { name: "+33 6 12 34 56 78" }).getAttribute("href")).toBe(
      "tel:+33612345678",
    );
    await page.waitForLoadState("networkidle");
    problems.push(...(await auditScreen(page, "crm-contact-transcript")));

    expect(pageErrors).toEqual([]);
    expect(problems).toEqual([]);
  });
});
