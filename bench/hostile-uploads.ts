/**
 * Hostile and very large uploads through sniff + parse + chunk, each in its own Node process
 * (a bomb that fills the heap kills only its child): outcome, time to the outcome, peak RSS.
 * The files are built by test/support/hostile-files.ts. Prints a table and writes
 * bench/results/hostile-uploads.json. Never fails on timing; exit 1 only if a child crashed.
 *
 *   npm run bench:hostile            all cases
 *   npm run bench:hostile -- csv     only cases whose name contains "csv"
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chunkDocument } from "../workers/ingestion/chunk.ts";
import { parseDocument } from "../workers/ingestion/parse.ts";
import { sniffKind } from "../workers/ingestion/sniff.ts";
import * as hostile from "../test/support/hostile-files.ts";

const CASES: Record<string, { name: string; bytes: () => Uint8Array }> = {
  "docx-bomb-100mb": { name: "bomb.docx", bytes: () => hostile.docxZipBomb(100) },
  "docx-lying-directory": { name: "liar.docx", bytes: () => hostile.docxWithLyingDirectory(100) },
  "docx-billion-laughs": { name: "laughs.docx", bytes: () => hostile.docxBillionLaughs() },
  "html-100k-nested": {
    name: "nest.html",
    bytes: () => new TextEncoder().encode(hostile.deeplyNestedHtml(100_000)),
  },
  "csv-1m-rows": {
    name: "export.csv",
    bytes: () => new TextEncoder().encode(hostile.manyRowCsv(1_000_000)),
  },
};

/** Parses the file at `path` (built by the parent, so building it is not in the child's peak RSS). */
async function child(key: string, path: string): Promise<void> {
  const spec = CASES[key];
  if (!spec) throw new Error(`unknown case ${key}`);
  const bytes = new Uint8Array(readFileSync(path));
  const started = performance.now();
  let outcome: string;
  let chunks = 0;
  try {
    const kind = sniffKind(bytes, spec.name);
    if (!kind) throw new Error("not recognised");
    const doc = await parseDocument(bytes, kind);
    chunks = chunkDocument(doc, { chunk_size: 512, chunk_overlap: 50 }).length;
    outcome = `ok: ${doc.chars} chars`;
  } catch (err) {
    outcome =
      `${err instanceof Error ? err.name : "error"}: ${err instanceof Error ? err.message : String(err)}`.slice(
        0,
        140,
      );
  }
  const ms = Math.round(performance.now() - started);
  process.stdout.write(
    JSON.stringify({
      case: key,
      input_kb: Math.round(bytes.length / 1024),
      outcome,
      chunks,
      ms,
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

async function main(): Promise<void> {
  const filter = process.argv[2] ?? "";
  const results: unknown[] = [];
  let crashed = false;
  const dir = await mkdtemp(join(tmpdir(), "hostile-"));
  for (const [key, spec] of Object.entries(CASES).filter(([k]) => k.includes(filter))) {
    const path = join(dir, spec.name);
    await writeFile(path, spec.bytes());
    const started = Date.now();
    const run = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", key, path],
      { encoding: "utf8", maxBuffer: 1 << 20 },
    );
    const line = run.stdout.trim();
    const result = line.startsWith("{")
      ? JSON.parse(line)
      : {
          case: key,
          outcome:
            `child died (${run.signal ?? `exit ${run.status}`}): ${run.stderr.split("\n").find((l) => /heap|stack|Error/.test(l)) ?? ""}`.slice(
              0,
              160,
            ),
          ms: Date.now() - started,
        };
    if (!line.startsWith("{")) crashed = true;
    results.push(result);
    console.log(JSON.stringify(result));
  }
  await mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await writeFile(
    new URL("./results/hostile-uploads.json", import.meta.url),
    `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`,
  );
  process.exitCode = crashed ? 1 : 0;
}

if (process.argv[2] === "--child") await child(process.argv[3] ?? "", process.argv[4] ?? "");
else await main();
