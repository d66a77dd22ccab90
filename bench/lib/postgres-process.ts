/**
 * The embedded Postgres (PGlite, scripts/lib/embedded-postgres.ts), migrated, in a child
 * process of its own: PGlite runs on its host's event loop, and a bench that measures
 * sub-millisecond arrival times on its own loop must not share it with the database.
 *
 * As a module: `startPostgresProcess()`. Run directly, it starts the database, prints
 * `{"url": ...}` on one line and stops when its stdin closes (so it never outlives the bench).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface PostgresProcess {
  url: string;
  stop(): Promise<void>;
}

export async function startPostgresProcess(timeoutMs = 60_000): Promise<PostgresProcess> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("embedded Postgres did not start in time")),
      timeoutMs,
    );
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded Postgres exited (${code}) before starting`));
    });
  });
  return {
    url,
    async stop() {
      child.stdin.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { startEmbeddedPostgres } = await import("../../scripts/lib/embedded-postgres.ts");
  const { migrate } = await import("../../scripts/lib/migrate.ts");
  const db = await startEmbeddedPostgres();
  await migrate(db.url);
  process.stdout.write(`${JSON.stringify({ url: db.url })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    void db.stop().finally(() => process.exit(0));
  });
}
