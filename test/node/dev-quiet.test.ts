/**
 * `npm run dev`'s terminal: the real scripts/dev.ts (with `wrangler dev` under it) on a machine
 * with no route to Cloudflare prints no stack trace and the bindings table once. Before, the
 * failed `Request.cf` download printed an ENOTFOUND trace at each start and every change to the
 * machine-wide dev registry printed the bindings again.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/lib/embedded-postgres.ts";
import { planTestDatabase } from "../support/database.ts";

const root = new URL("../..", import.meta.url).pathname;
const BINDINGS_HEADER = "Your Worker has access to the following bindings";

let persistTo: string | undefined;
afterAll(async () => {
  if (persistTo) await rm(persistTo, { recursive: true, force: true });
});

/** Runs scripts/dev.ts until it serves /health and a few seconds more; returns what it printed. */
async function runDev(): Promise<{ output: string; healthy: boolean }> {
  const db = await planTestDatabase();
  const port = await freePort();
  persistTo = await mkdtemp(join(tmpdir(), "nooble-dev-quiet-"));
  const child = spawn(
    process.execPath,
    [
      join(root, "scripts/dev.ts"),
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        // wrangler's bin runs on the `node` of PATH: the pinned Node 22, as under npm.
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
        DATABASE_URL: db.url,
        PORT: String(port),
      },
    },
  );
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let healthy = false;
  try {
    for (let i = 0; i < 300 && child.exitCode === null && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 200));
    }
    // The dev registry's first update and the Request.cf download both land after "Ready".
    await new Promise((r) => setTimeout(r, 4000));
  } finally {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    await exited;
  }
  return { output, healthy };
}

describe("npm run dev's terminal, offline", () => {
  it("serves, prints the bindings table once and no stack trace", async () => {
    const { output, healthy } = await runDev();
    expect(healthy, output).toBe(true);
    expect(output.split(BINDINGS_HEADER).length - 1, output).toBe(1);
    expect(output, output).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(output).not.toContain("ENOTFOUND");
    expect(output).toMatch(/^wrangler \d+\.\d+\.\d+ \(local mode/m);
  }, 120_000);
});
