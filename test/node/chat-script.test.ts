/**
 * The README's chat example, `npm run chat -- <username> [agent] "question"` (scripts/chat.ts),
 * run as its own process against the whole Worker: it prints the streamed answer and the
 * sources it cites, and says what went wrong, with exit code 1, when the server refuses.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonClient, startWorker } from "./harness.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.server.close();
});

const call = jsonClient(() => worker.url);
const script = new URL("../../scripts/chat.ts", import.meta.url).pathname;

function runChat(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { ...process.env, NOOBLE_URL: worker.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** An owner with one public agent that has one document; returns the owner's username. */
async function ownerWithKnowledge(): Promise<string> {
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `chat-script-${crypto.randomUUID().slice(0, 8)}@example.com` },
  });
  const token: string = signIn.body.access_token;
  const agent = await call("/api/v1/agents", {
    method: "POST",
    token,
    json: { name: "Clinic desk", is_public: true },
  });
  const ingest = await call("/api/v1/ingest", {
    method: "POST",
    token,
    json: {
      document_name: "Clinic handbook",
      content:
        "# Opening hours\n\nThe Riverside clinic opens at eight in the morning and closes at six in the evening on weekdays.\n\n# Parking\n\nVisitors park behind the pharmacy.",
      agent_ids: [agent.body.id],
    },
  });
  for (let i = 0; i < 150; i++) {
    const s = await call(`/api/v1/ingest/${String(ingest.body.job_id)}/status`, { token });
    if (s.body.status !== "processing") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const profile = await call("/api/v1/profile", { token });
  return String(profile.body.username);
}

describe("npm run chat", () => {
  it("prints the streamed answer and the sources it cites", async () => {
    const username = await ownerWithKnowledge();
    const run = await runChat([username, "When does the Riverside clinic open?"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Clinic desk (${username}), asked: When does the Riverside`);
    expect(run.stdout).toContain("opens at eight in the morning");
    expect(run.stdout).toMatch(/^Sources:\n {2}\[1\] Clinic handbook \(score \d\.\d\d\)\n {6}"/m);

    const named = await runChat([username, "clinic DESK", "Where do visitors park?"]);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain("behind the pharmacy");
  });

  it("says why when the server refuses, and how to call it when the arguments are wrong", async () => {
    const unknown = await runChat(["no-such-owner-here", "hello?"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("PROFILE_NOT_FOUND");

    const username = await ownerWithKnowledge();
    const wrongAgent = await runChat([username, "Somebody else", "hello?"]);
    expect(wrongAgent.code).toBe(1);
    expect(wrongAgent.stderr).toContain(`has no public agent "Somebody else"`);
    expect(wrongAgent.stderr).toContain("Clinic desk");

    const usage = await runChat([username]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run chat --");
  });
});
