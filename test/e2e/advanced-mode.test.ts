/**
 * Advanced mode end to end, with no LLM key (the offline provider's plan: knowledge_search,
 * then an extractive answer): an owner switches an agent to advanced mode in the editor and
 * publishes it; a visitor on the public page asks a question and sees the step line and a
 * cited answer. The visitor's socket is then cut the moment a tool step arrives (an init
 * script closes it from inside the page, as a network drop would), and the chat still shows
 * each step once and the answer once.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../bench/lib/chromium.ts";
import { jsonClient, startWorker } from "../node/harness.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SHOTS = join(ROOT, "test-results/screenshots");
const DOC = [
  "# Refunds",
  "",
  "Orders can be refunded within 30 days of delivery. The refund goes back to the card used to pay, within five working days.",
  "",
  "# Shipping",
  "",
  "Parcels leave the warehouse the next working day and arrive within three days in the country.",
].join("\n");
const AGENT_NAME = "Shop helper";
const ANSWER_WAIT_MS = 60_000;

let worker: Awaited<ReturnType<typeof startWorker>>;
let browser: Browser;
const call = jsonClient(() => worker.url);
const pageErrors: string[] = [];
const seed = { token: "", agentId: "", publicUrl: "", user: {} as unknown };

type Frame = { message_type: string; data: Record<string, unknown> };

declare global {
  interface Window {
    __dropOnToolStep?: boolean;
    __sockets?: WebSocket[];
  }
}

/** A visitor whose frames are recorded; with `dropOnToolStep`, the first tool call cuts its socket. */
async function visitorPage(dropOnToolStep: boolean) {
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 1280, height: 900 },
  });
  await context.addInitScript((drop: boolean) => {
    const Native = window.WebSocket;
    window.__dropOnToolStep = drop;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        window.__sockets?.push(this);
        // Registered before the app's onmessage: the app still gets this frame, then the drop.
        this.addEventListener("message", (event) => {
          if (!window.__dropOnToolStep) return;
          const frame = JSON.parse(String(event.data)) as {
            message_type?: string;
            data?: { kind?: string };
          };
          if (frame.message_type === "agent_step" && frame.data?.kind === "tool_call") {
            window.__dropOnToolStep = false;
            this.close(4000, "e2e: connection dropped in a tool step");
          }
        });
      }
    };
  }, dropOnToolStep);
  const page = await context.newPage();
  page.on("pageerror", (e) => pageErrors.push(e.message));
  const received: Frame[] = [];
  const sent: Frame[] = [];
  page.on("websocket", (ws) => {
    ws.on("framereceived", ({ payload }) => received.push(JSON.parse(String(payload)) as Frame));
    ws.on("framesent", ({ payload }) => sent.push(JSON.parse(String(payload)) as Frame));
  });
  return { context, page, received, sent };
}

async function ask(page: Page, question: string) {
  await page.goto(seed.publicUrl);
  const chat = page.getByRole("region", { name: `Chat with ${AGENT_NAME}` });
  const input = chat.getByLabel(`Message ${AGENT_NAME}`);
  await input.fill(question);
  await input.press("Enter");
  const done = chat.locator('.chat-message.assistant[data-status="done"]').last();
  await done.waitFor({ timeout: ANSWER_WAIT_MS });
  return done;
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "web/dist/index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  await mkdir(SHOTS, { recursive: true });
  worker = await startWorker();
  browser = await launchChromium();
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `e2e-advanced-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  seed.token = String(signIn.body.access_token);
  seed.user = signIn.body.user;
  const profile = await call("/api/v1/profile", {
    method: "PATCH",
    token: seed.token,
    json: { display_name: "Advanced Shop" },
  });
  expect(profile.status).toBe(200);
  seed.publicUrl = `${worker.url}/${String(profile.body.username)}`;
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token: seed.token,
    json: { name: AGENT_NAME, is_public: false },
  });
  expect(agent.status).toBe(201);
  seed.agentId = String(agent.body.id);
  const ingest = await call("/api/v1/ingest", {
    method: "POST",
    token: seed.token,
    json: { document_name: "Shop policies", content: DOC, agent_ids: [seed.agentId] },
  });
  expect(ingest.status).toBe(202);
  for (let i = 0; i < 600; i++) {
    const s = await call(`/api/v1/ingest/${ingest.body.job_id}/status`, { token: seed.token });
    if (s.body.status !== "processing" && s.body.status !== "queued") break;
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
});

describe("advanced mode in the browser, offline", () => {
  it("an owner switches the agent to advanced mode in the editor and publishes it", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in as the development sign-in leaves it (lib/auth.ts).
    await context.addInitScript(
      ({ token, user }) => {
        localStorage.setItem(
          "nooble.dev-session",
          JSON.stringify({ token, expiresAt: Date.now() + 3_600_000, user }),
        );
      },
      { token: seed.token, user: seed.user },
    );
    const owner = await context.newPage();
    owner.on("pageerror", (e) => pageErrors.push(`owner: ${e.message}`));
    await owner.goto(`${worker.url}/dashboard/agents/${seed.agentId}`);
    await owner.getByRole("radio", { name: "Advanced" }).check();
    await owner.getByRole("group", { name: "Tools" }).waitFor();
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await owner.getByRole("button", { name: "Publish" }).click();
    await owner.getByRole("button", { name: "Make private" }).waitFor();
    const agent = await call(`/api/v1/agents/${seed.agentId}`, { token: seed.token });
    expect(agent.body.execution_config.mode).toBe("advanced");
    expect(agent.body.is_public).toBe(true);
    await context.close();
  });

  it("a visitor sees the step line and a cited answer", async () => {
    const { context, page, received } = await visitorPage(false);
    const done = await ask(page, "Within how many days of delivery can orders be refunded?");
    const lines = done.locator(".agent-step");
    expect(await lines.count()).toBeGreaterThanOrEqual(1);
    expect(await lines.first().getAttribute("data-state")).toBe("done");
    expect(await lines.first().innerText()).toMatch(/knowledge base|Searched/i);
    expect(await done.locator(".markdown").innerText()).toMatch(/30 days/);
    await done.locator("summary", { hasText: /source/ }).waitFor();
    expect(received.some((f) => f.message_type === "agent_step")).toBe(true);
    await page.screenshot({ path: join(SHOTS, "advanced-chat-steps.png"), fullPage: true });
    await context.close();
  });

  it("a reconnect in the middle of a tool step shows each step once and the answer once", async () => {
    const { context, page, received, sent } = await visitorPage(true);
    const done = await ask(page, "When does the refund go back to the card used to pay?");
    expect(await page.evaluate(() => window.__sockets?.length ?? 0)).toBeGreaterThan(1);
    // The offline turn may end before the new socket's ack; if it was still running, the
    // client asked to resume after the step it had.
    const acks = received.filter((f) => f.message_type === "connection_ack");
    if (acks.at(-1)?.data.active_task) {
      const resume = sent.find((f) => f.message_type === "resume");
      expect(Number(resume?.data.last_step)).toBeGreaterThanOrEqual(0);
    }

    // Each step the server sent (live, or in the new socket's transcript), however many
    // times, is shown once: one line per tool call with its result.
    type Step = { step: number; kind: string; call_id: string | null };
    const history = (acks.at(-1)?.data.history ?? []) as { steps?: Step[] }[];
    const steps: Step[] = [
      ...received
        .filter((f) => f.message_type === "agent_step")
        .map((f) => f.data as unknown as Step),
      ...history.flatMap((m) => m.steps ?? []),
    ];
    expect(new Set(steps.map((s) => s.step)).size).toBeGreaterThanOrEqual(2);
    const callIds = new Set(steps.filter((s) => s.kind === "tool_call").map((s) => s.call_id));
    expect(await done.locator(".agent-step").count()).toBe(callIds.size);
    const toggle = done.getByRole("button", { name: /^\d+ steps?$/ });
    if ((await toggle.getAttribute("aria-expanded")) === "false") await toggle.click();
    expect(await done.locator('.agent-step[data-state="done"]').count()).toBe(callIds.size);
    // The answer once: at most one chat_response (else it came in the transcript), one answer
    // on screen, its text not repeated.
    expect(received.filter((f) => f.message_type === "chat_response").length).toBeLessThanOrEqual(
      1,
    );
    const text = (await done.locator(".markdown").innerText()).trim();
    const opening = text.slice(0, 24);
    expect(opening.length).toBeGreaterThan(0);
    expect(text.indexOf(opening)).toBe(text.lastIndexOf(opening));
    expect(await page.locator(".chat-message.assistant").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "advanced-chat-resumed.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
