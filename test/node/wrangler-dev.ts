/**
 * The real `wrangler dev` as a child process that a test can crash and restart: started like
 * `npm run dev` starts it (scripts/lib/wrangler-args.ts) against the test database, with its
 * state (Durable Objects, R2) in a directory of the test's choosing (`--persist-to`), so a
 * restart finds what the crashed process left. `crash()` is a SIGKILL of the whole process
 * tree (wrangler's Node process, workerd and their children share one process group), as an
 * OOM kill or a pulled plug would leave it: no shutdown hooks, queue messages in flight lost.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { freePort } from "../../scripts/lib/embedded-postgres.ts";
import { wranglerDevArgs } from "../../scripts/lib/wrangler-args.ts";
import {
  planTestDatabase,
  TEST_JWT_SECRET,
  TEST_MCP_TOKEN_KEY,
  TEST_SESSION_SECRET,
} from "../support/database.ts";

const root = new URL("../..", import.meta.url).pathname;
const WRANGLER = `${root}node_modules/wrangler/bin/wrangler.js`;

export interface WranglerDev {
  url: string;
  /** SIGKILL of wrangler and workerd; resolves once the process group is gone. */
  crash(): Promise<void>;
  /** Starts again on the same state directory, database and port. */
  restart(): Promise<void>;
  /** Ends the process for good (SIGKILL too: nothing is left to save). */
  stop(): Promise<void>;
  /** The last lines wrangler printed, for a failing test's message. */
  log(): string;
}

/** Starts `wrangler dev` with its state in `persistTo` and `vars` as Worker variables. */
export async function startWranglerDev(
  persistTo: string,
  vars: Record<string, string> = {},
): Promise<WranglerDev> {
  const db = await planTestDatabase();
  const port = String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ENVIRONMENT: "development",
    SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
    SESSION_TOKEN_SECRET: TEST_SESSION_SECRET,
    MCP_TOKEN_KEY: TEST_MCP_TOKEN_KEY,
    ...vars,
    PORT: port,
  };
  const args = [
    WRANGLER,
    ...wranglerDevArgs(env, [
      "--persist-to",
      persistTo,
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ]),
  ];
  const lines: string[] = [];
  let child: ChildProcess | undefined;

  const launch = async () => {
    // Its own process group, so one signal reaches workerd too (wrangler does not forward SIGKILL).
    const proc = spawn(process.execPath, args, {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: db.url,
        CI: "1",
        WRANGLER_SEND_METRICS: "false",
      },
    });
    child = proc;
    const keep = (chunk: Buffer) => {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    await waitUntilServing(url, proc, () => lines.slice(-30).join("\n"));
  };

  const kill = async () => {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    process.kill(-proc.pid, "SIGKILL");
    await exited;
    await groupGone(proc.pid);
  };

  await launch();
  return { url, crash: kill, restart: launch, stop: kill, log: () => lines.slice(-40).join("\n") };
}

async function waitUntilServing(url: string, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null)
      throw new Error(`wrangler dev exited with ${proc.exitCode}:\n${log()}`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`wrangler dev did not start serving ${url}:\n${log()}`);
}

/** Waits until no process of the group is left (workerd exits a moment after wrangler). */
async function groupGone(pgid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`process group ${pgid} survived SIGKILL`);
}
