/**
 * A visitor's connection drops in the middle of an answer, in a real browser: the chat shows
 * "Reconnecting", reconnects by itself, asks to `resume` from the last chunk it showed, and
 * ends with the whole answer exactly once (no token missing or doubled) from a single LLM
 * request. The answer comes from a local OpenAI-compatible server (bench/lib) that sends a
 * token every TOKEN_DELAY_MS, so there is time to cut the socket part-way.
 *
 * The socket is cut from inside the page: an init script keeps each WebSocket the app opens,
 * and the test closes the newest one once a few tokens are on screen (what the app sees is a
 * closed socket, as after a network drop). Nothing here asserts timing.
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

const ROOT = new URL("../../", import.meta.url).pathname;
const DIST = join(ROOT, "web/dist");
const SHOTS = join(ROOT, "test-results/screenshots");
const TOKENS = Array.from({ length: 40 }, (_, i) => `word${i} `);
const TOKEN_DELAY_MS = 60;
const AGENT_NAME = "Slow talker";
const ANSWER_WAIT_MS = 60_000;

let worker: Awaited<ReturnType<typeof startWorker>>;
let llm: FakeOpenAI;
let browser: Browser;
let visitor: Page;
const call = jsonClient(() => worker.url);
const pageErrors: string[] = [];
const sent: { message_type: string; data?: Record<string, unknown> }[] = [];
const received: { message_type: string; data: Record<string, unknown> }[] = [];
let publicUrl = "";

declare global {
  interface Window {
    __sockets?: WebSocket[];
  }
}

beforeAll(async () => {
  if (!existsSync(join(DIST, "index.html")))
    throw new Error("web/dist is not built: run `npm run build` (npm test does it first).");
  await mkdir(SHOTS, { recursive: true });
  llm = await startFakeOpenAI({ tokens: TOKENS, interTokenDelayMs: TOKEN_DELAY_MS });
  worker = await startWorker({
    OPENAI_API_KEY: "sk-e2e-resume",
    OPENAI_BASE_URL: llm.url,
    OPENAI_MODELS: "fake-model",
  });
  browser = await launchChromium();

  // The owner, through the API (the dashboard is the other e2e file's subject).
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `e2e-resume-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  const token = String(signIn.body.access_token);
  const profile = await call("/api/v1/profile", {
    method: "PATCH",
    token,
    json: { display_name: "Resume Example" },
  });
  expect(profile.status).toBe(200);
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token,
    json: {
      name: AGENT_NAME,
      is_public: true,
      execution_config: { model: "fake-model" },
      query_config: { mode: "simple" },
    },
  });
  expect(agent.status).toBe(201);
  publicUrl = `${worker.url}/${String(profile.body.username)}`;
});

afterAll(async () => {
  await browser?.close();
  await worker?.server.close();
  await llm?.close();
});

describe("a dropped connection mid-answer in the browser", () => {
  it("reconnects, resumes from the last chunk shown, and shows the whole answer exactly once", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(() => {
      const Native = window.WebSocket;
      window.__sockets = [];
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          window.__sockets?.push(this);
        }
      };
    });
    visitor = await context.newPage();
    visitor.on("pageerror", (err) => pageErrors.push(err.message));
    visitor.on("websocket", (ws) => {
      ws.on("framesent", ({ payload }) =>
        sent.push(JSON.parse(String(payload)) as (typeof sent)[number]),
      );
      ws.on("framereceived", ({ payload }) =>
        received.push(JSON.parse(String(payload)) as (typeof received)[number]),
      );
    });

    await visitor.goto(publicUrl);
    const chat = visitor.getByRole("region", { name: `Chat with ${AGENT_NAME}` });
    await chat.waitFor();
    await chat.getByLabel(`Message ${AGENT_NAME}`).fill("Tell me something slowly.");
    await chat.getByLabel(`Message ${AGENT_NAME}`).press("Enter");

    // A few tokens on screen, then the connection goes.
    const answer = chat.locator(".chat-message.assistant").last();
    await answer.getByText(/word3 /).waitFor({ timeout: ANSWER_WAIT_MS });
    const socketsBefore = await visitor.evaluate(() => window.__sockets?.length ?? 0);
    await visitor.evaluate(() => window.__sockets?.at(-1)?.close(4000, "e2e: connection dropped"));
    await chat.getByText("Connection lost. Reconnecting…").waitFor();
    await visitor.screenshot({ path: join(SHOTS, "12-chat-reconnecting.png"), fullPage: true });

    const done = chat.locator('.chat-message.assistant[data-status="done"]').last();
    await done.waitFor({ timeout: ANSWER_WAIT_MS });
    await visitor.screenshot({ path: join(SHOTS, "13-chat-resumed-answer.png"), fullPage: true });

    // The app opened a new socket by itself and asked for the rest of the answer.
    expect(await visitor.evaluate(() => window.__sockets?.length ?? 0)).toBeGreaterThan(
      socketsBefore,
    );
    const resume = sent.find((f) => f.message_type === "resume");
    expect(resume?.data).toMatchObject({ last_chunk_index: expect.any(Number) });
    expect(Number(resume?.data?.last_chunk_index)).toBeGreaterThanOrEqual(3);
    expect(Number(resume?.data?.last_chunk_index)).toBeLessThan(TOKENS.length - 1);

    // Every token once, in order, on screen and in the final message; one LLM request in all.
    const expected = TOKENS.join("").trim();
    expect((await done.locator(".markdown").innerText()).trim()).toBe(expected);
    const response = received.find((f) => f.message_type === "chat_response");
    expect(String(response?.data.message).trim()).toBe(expected);
    expect(llm.requests.filter((r) => r.stream === true)).toHaveLength(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
