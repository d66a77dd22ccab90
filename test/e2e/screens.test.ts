/**
 * Every main screen, audited the way people see it (test/e2e/audit.ts): at 1280 px and 390 px,
 * light and dark, with 0 serious or critical axe-core violations and nothing scrolling
 * sideways; a screenshot of each variant goes to test-results/screenshots/screen-*.png.
 *
 * The data behind the screens is made through the API (an agent, a document, a profile) and a
 * real visitor chat in the browser, so every screen shows what an owner with one working
 * agent sees. The first screens (landing, sign-in, a new owner's overview) come before any data.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { jsonClient, startWorker } from "../node/harness.ts";
import { ToolsConfigSchema } from "../../shared/tools.ts";
import { auditScreen } from "./audit.ts";

const DOC = [
  "# Opening hours",
  "",
  "The Riverside clinic opens at eight in the morning and closes at six in the evening on weekdays. On Saturdays it opens at nine and closes at noon.",
  "",
  "# Parking",
  "",
  "Visitors park for free behind the pharmacy. The car park has two spaces for wheelchair users next to the entrance.",
].join("\n");
const QUESTION = "When does the Riverside clinic open on Saturdays?";
const AGENT_NAME = "Clinic desk";

let worker: Awaited<ReturnType<typeof startWorker>>;
let browser: Browser;
let ownerContext: BrowserContext;
let owner: Page;
const call = jsonClient(() => worker.url);
const problems: string[] = [];
const pageErrors: string[] = [];
const seed = { token: "", username: "", agentId: "", conversationId: "" };

/** Opens `path` and waits until the page has rendered its heading and settled. */
async function open(page: Page, path: string) {
  await page.goto(`${worker.url}${path}`);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  await page.waitForLoadState("networkidle");
}

beforeAll(async () => {
  worker = await startWorker();
  browser = await launchChromium();
  ownerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  owner = await ownerContext.newPage();
  owner.on("pageerror", (e) => pageErrors.push(`owner: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
});

describe("every main screen at 1280 and 390 px, light and dark", () => {
  it("landing, sign-in and a new owner's overview", async () => {
    await open(owner, "/");
    problems.push(...(await auditScreen(owner, "landing")));
    await open(owner, "/sign-in");
    problems.push(...(await auditScreen(owner, "sign-in")));
    await owner.getByLabel("Email").fill(`screens-${crypto.randomUUID().slice(0, 8)}@example.com`);
    await owner.getByRole("button", { name: "Sign in" }).click();
    await owner.waitForURL(/\/dashboard\/?$/);
    await owner.waitForLoadState("networkidle");
    problems.push(...(await auditScreen(owner, "overview-new")));
    const session = await owner.evaluate(() => localStorage.getItem("nooble.dev-session"));
    seed.token = (JSON.parse(session ?? "{}") as { token?: string }).token ?? "";
    expect(seed.token).not.toBe("");
  });

  it("an agent with a document, asked by a visitor on the public page", async () => {
    const token = seed.token;
    const profile = await call("/api/v1/profile", {
      method: "PATCH",
      token,
      json: { display_name: "Riverside Clinic" },
    });
    expect(profile.status).toBe(200);
    seed.username = profile.body.username;
    const agent = await call("/api/v1/agents", {
      method: "POST",
      token,
      json: { name: AGENT_NAME, template_id: "receptionist", is_public: true },
    });
    expect(agent.status).toBe(201);
    seed.agentId = agent.body.id;
    const ingest = await call("/api/v1/ingest", {
      method: "POST",
      token,
      json: { document_name: "Clinic handbook", content: DOC, agent_ids: [seed.agentId] },
    });
    expect(ingest.status).toBe(202);
    for (let i = 0; i < 600; i++) {
      const s = await call(`/api/v1/ingest/${ingest.body.job_id}/status`, { token });
      if (s.body.status !== "processing" && s.body.status !== "queued") break;
      await new Promise((r) => setTimeout(r, 100));
    }

    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await visitorContext.newPage();
    visitor.on("pageerror", (e) => pageErrors.push(`visitor: ${e.message}`));
    await open(visitor, `/${seed.username}`);
    const input = visitor.getByRole("textbox", { name: new RegExp(AGENT_NAME) }).first();
    await input.fill(QUESTION);
    await input.press("Enter");
    await visitor
      .locator('.chat-message.assistant[data-status="done"]')
      .last()
      .waitFor({ timeout: 60_000 });
    problems.push(...(await auditScreen(visitor, "public-page")));
    await visitorContext.close();
  });

  it("the owner's screens", async () => {
    // Turns reach the CRM through the conversation queue: wait until the conversation is there.
    for (let i = 0; i < 120 && !seed.conversationId; i++) {
      const list = await call("/api/v1/conversations", { token: seed.token });
      seed.conversationId = list.body.conversations?.[0]?.id ?? "";
      if (!seed.conversationId) await new Promise((r) => setTimeout(r, 250));
    }
    expect(seed.conversationId).not.toBe("");
    const screens: [string, string][] = [
      ["overview", "/dashboard"],
      ["agents", "/dashboard/agents"],
      ["agent-new", "/dashboard/agents/new"],
      ["agent-editor", `/dashboard/agents/${seed.agentId}`],
      ["knowledge", "/dashboard/knowledge"],
      ["conversations", "/dashboard/conversations"],
      ["conversation", `/dashboard/conversations/${seed.conversationId}`],
      ["profile", "/dashboard/profile"],
      ["settings", "/dashboard/settings"],
      ["not-found", "/dashboard/no-such-page"],
    ];
    for (const [name, path] of screens) {
      await open(owner, path);
      problems.push(...(await auditScreen(owner, name)));
    }

    // Advanced mode: the editor with max iterations and the Tools section (switches, the
    // websites fetch_page may read, the MCP servers panel).
    const advanced = await call(`/api/v1/agents/${seed.agentId}`, {
      method: "PATCH",
      token: seed.token,
      json: {
        execution_config: {
          mode: "advanced",
          tools: {
            ...ToolsConfigSchema.parse({}),
            fetch_page: { enabled: true, allowed_domains: ["riverside-clinic.example"] },
          },
        },
      },
    });
    expect(advanced.status).toBe(200);
    await open(owner, `/dashboard/agents/${seed.agentId}`);
    await owner.getByRole("group", { name: "Tools" }).waitFor();
    problems.push(...(await auditScreen(owner, "agent-editor-advanced")));

    // The visitor's chat in advanced mode: the step line above the cited answer, opened.
    const visitorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const visitor = await visitorContext.newPage();
    visitor.on("pageerror", (e) => pageErrors.push(`visitor: ${e.message}`));
    await open(visitor, `/${seed.username}`);
    const input = visitor.getByRole("textbox", { name: new RegExp(AGENT_NAME) }).first();
    await input.fill("Where do visitors park?");
    await input.press("Enter");
    const done = visitor.locator('.chat-message.assistant[data-status="done"]').last();
    await done.locator(".agent-step").first().waitFor({ timeout: 60_000 });
    await done.locator(".agent-step-toggle").first().click();
    problems.push(...(await auditScreen(visitor, "public-page-advanced")));
    await visitorContext.close();
  });

  it("has no serious or critical accessibility violations, nothing scrolls sideways, no page errors", () => {
    console.log(
      problems.length ? `screen audit problems:\n${problems.join("\n")}` : "screen audit: clean",
    );
    expect(pageErrors).toEqual([]);
    expect(problems).toEqual([]);
  });
});
