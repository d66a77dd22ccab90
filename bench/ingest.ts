/**
 * Ingestion through the product against the same work called directly: the 872-page DOCX and
 * the 16-page PDF of ../shared/eval/docs, each uploaded with `POST /api/v1/ingest` and timed
 * to the final `completed` frame of `WS /ws/ingest/{job_id}`; the baseline, measured in the
 * same run and the same Node process, is sniff + parse + chunk + embed of the same bytes with
 * the functions the pipeline runs (workers/ingestion, workers/embeddings), in the pipeline's
 * batch size. The ratio is product / direct (target <= 1.5).
 *
 * The Worker runs in wrangler's local runtime (createTestHarness: workerd + Miniflare, as
 * `wrangler dev`), with its own embedded Postgres in a child process. Rounds alternate direct
 * and product so load from other processes lands on both; medians are reported. Each product
 * document is deleted after its round (not timed), so every round indexes into a knowledge
 * base of the same size.
 *
 * Exit code 1 on errors only (a failed job, a chunk count that differs from the direct run,
 * a document row that does not say completed); never on timing. Figures also go to
 * bench/results/ingest.json.
 */
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { createTestHarness } from "wrangler";
import { chunkDocument } from "../workers/ingestion/chunk.ts";
import { parseDocument } from "../workers/ingestion/parse.ts";
import { sniffKind } from "../workers/ingestion/sniff.ts";
import { selectEmbedder } from "../workers/embeddings/select.ts";
import { CHUNKS_PER_BATCH } from "../workers/services/ingestion/chunk-batches.ts";
import { INGESTION_STAGES } from "../shared/protocol/ingestion.ts";
import { startPostgresProcess } from "./lib/postgres-process.ts";
import { percentile } from "./lib/stats.ts";

const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3);
const FILES = ["handbook-872p.docx", "WARN-Report-for-7-1-2015-to-03-25-2016.pdf"];
const JOB_TIMEOUT_MS = 180_000;
const HARD_LIMIT_MS = 15 * 60_000;
const TARGET_RATIO = 1.5;
const SECRET = "bench-secret-0123456789abcdef0123456789";
const DOCS = new URL("../../shared/eval/docs/", import.meta.url);

const watchdog = setTimeout(() => {
  console.error(`\nbench:ingest: still running after ${HARD_LIMIT_MS / 60_000} min; giving up.`);
  setTimeout(() => process.exit(1), 15_000).unref();
  void shutdown(1);
}, HARD_LIMIT_MS);
watchdog.unref();

const t0 = performance.now();
const progress = (line: string) =>
  process.stderr.write(`  [${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}\n`);
const median = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    50,
  );

interface ManifestFile {
  file: string;
  type: string;
  pages: number;
  bytes: number;
}

// ---- the baseline: the pipeline's functions called directly ----

interface DirectRun {
  ms: number;
  chunks: number;
  parse_ms: number;
  chunk_ms: number;
  embed_ms: number;
}

async function direct(bytes: Uint8Array, name: string): Promise<DirectRun> {
  const start = performance.now();
  const kind = sniffKind(bytes, name);
  if (!kind) throw new Error(`${name}: not a supported type`);
  const doc = await parseDocument(bytes, kind);
  const parsed = performance.now();
  const chunks = chunkDocument(doc, { chunk_size: 512, chunk_overlap: 50 });
  const chunked = performance.now();
  const embedder = selectEmbedder({});
  for (let i = 0; i < chunks.length; i += CHUNKS_PER_BATCH)
    await embedder.embed(chunks.slice(i, i + CHUNKS_PER_BATCH).map((c) => c.text));
  const end = performance.now();
  return {
    ms: end - start,
    chunks: chunks.length,
    parse_ms: parsed - start,
    chunk_ms: chunked - parsed,
    embed_ms: end - chunked,
  };
}

// ---- the product ----

let harness: ReturnType<typeof createTestHarness> | undefined;
let pg: Awaited<ReturnType<typeof startPostgresProcess>> | undefined;
let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    await harness?.close().catch(() => {});
    await pg?.stop().catch(() => {});
  }
  process.exit(code);
}

interface ProgressData {
  status: string;
  stage: string;
  total_chunks: number;
  chunks_processed: number;
  error: { code: string; message: string } | null;
}

interface ProductRun {
  ms: number;
  chunks: number;
  /** Milliseconds from the POST to the first frame of each stage. */
  stages: Record<string, number>;
  upload_ms: number;
  frames: number;
}

let base = "";
let token = "";
let agentId = "";

async function call(path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null,
  };
}

async function throughProduct(bytes: Uint8Array, name: string): Promise<ProductRun> {
  const form = new FormData();
  form.append("file", new Blob([bytes]), name);
  form.append("agent_ids[]", agentId);
  const start = performance.now();
  const res = await call("/api/v1/ingest", { method: "POST", body: form });
  const uploaded = performance.now();
  if (res.status !== 202 || !res.body)
    throw new Error(
      `${name}: POST /api/v1/ingest answered ${res.status} ${JSON.stringify(res.body)}`,
    );
  const documentId = String(res.body.document_id);
  const stages: Record<string, number> = {};
  let frames = 0;
  const final = await new Promise<{ data: ProgressData; at: number }>((resolve, reject) => {
    const ws = new WebSocket(`${String(res.body?.websocket_url)}?token=${token}`);
    const timer = setTimeout(
      () => (
        ws.close(),
        reject(new Error(`${name}: no final frame within ${JOB_TIMEOUT_MS / 1000} s`))
      ),
      JOB_TIMEOUT_MS,
    );
    ws.addEventListener("message", (ev) => {
      const at = performance.now();
      const frame = JSON.parse(String(ev.data)) as { message_type: string; data: ProgressData };
      if (frame.message_type !== "ingestion_progress") return;
      frames++;
      stages[frame.data.stage] ??= at - start;
      if (frame.data.status !== "processing") {
        clearTimeout(timer);
        ws.close();
        resolve({ data: frame.data, at });
      }
    });
    ws.addEventListener(
      "error",
      () => (clearTimeout(timer), reject(new Error(`${name}: the progress socket failed`))),
    );
  });
  if (final.data.status !== "completed")
    throw new Error(
      `${name}: the job ended ${final.data.stage}: ${JSON.stringify(final.data.error)}`,
    );
  const row = await call(`/api/v1/documents/${documentId}`);
  if (row.body?.status !== "completed" || row.body.chunk_count !== final.data.total_chunks) {
    throw new Error(
      `${name}: the document row says ${JSON.stringify({ status: row.body?.status, chunk_count: row.body?.chunk_count })} after a completed job of ${final.data.total_chunks} chunks`,
    );
  }
  const deleted = await call(`/api/v1/documents/${documentId}`, { method: "DELETE" });
  if (deleted.body?.chunks_deleted !== final.data.total_chunks)
    throw new Error(
      `${name}: DELETE removed ${JSON.stringify(deleted.body?.chunks_deleted)} chunks, not ${final.data.total_chunks}`,
    );
  return {
    ms: final.at - start,
    chunks: final.data.total_chunks,
    stages,
    upload_ms: uploaded - start,
    frames,
  };
}

// ---- the run ----

async function main(): Promise<number> {
  const manifest = JSON.parse(await readFile(new URL("manifest.json", DOCS), "utf8")) as {
    files: ManifestFile[];
  };
  const files = FILES.map((f) => {
    const entry = manifest.files.find((m) => m.file === f);
    if (!entry) throw new Error(`${f} is not in ../shared/eval/docs/manifest.json`);
    return entry;
  });

  pg = await startPostgresProcess();
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = pg.url;
  process.env.WRANGLER_LOG ??= "warn";
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  harness = createTestHarness({
    workers: [
      {
        configPath: new URL("../wrangler.toml", import.meta.url).pathname,
        vars: { ENVIRONMENT: "development" },
        secrets: { SUPABASE_JWT_SECRET: SECRET },
      },
    ],
  });
  base = (await harness.listen()).url.toString().replace(/\/$/, "");
  const signIn = await fetch(`${base}/api/v1/dev/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-ingest-${Date.now()}@example.com` }),
  });
  token = ((await signIn.json()) as { access_token: string }).access_token;
  const agent = await call("/api/v1/agents", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Bench librarian" }),
  });
  agentId = String(agent.body?.id);
  const loadBefore = loadavg()[0] ?? NaN;

  const errors: string[] = [];
  const results = [];
  for (const file of files) {
    const bytes = new Uint8Array(await readFile(new URL(file.file, DOCS)));
    // One unmeasured round each: module loading and JIT warm-up are not what is measured.
    progress(`${file.file}: warm-up`);
    await direct(bytes, file.file);
    await throughProduct(bytes, file.file).catch((err: unknown) =>
      errors.push(`warm-up: ${String(err)}`),
    );
    const directRuns: DirectRun[] = [];
    const productRuns: ProductRun[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const d = await direct(bytes, file.file);
      directRuns.push(d);
      try {
        const p = await throughProduct(bytes, file.file);
        productRuns.push(p);
        if (p.chunks !== d.chunks)
          errors.push(
            `${file.file}: the product made ${p.chunks} chunks, the direct run ${d.chunks}`,
          );
        progress(
          `${file.file} round ${r + 1}/${ROUNDS}: direct ${(d.ms / 1000).toFixed(2)} s, product ${(p.ms / 1000).toFixed(2)} s, ${p.chunks} chunks`,
        );
      } catch (err) {
        errors.push(String(err instanceof Error ? err.message : err));
      }
    }
    const directS = median(directRuns.map((d) => d.ms)) / 1000;
    const productS = productRuns.length ? median(productRuns.map((p) => p.ms)) / 1000 : NaN;
    const chunks = directRuns[0]?.chunks ?? 0;
    const seen = new Set(productRuns.flatMap((p) => Object.keys(p.stages)));
    const stageNames = INGESTION_STAGES.filter((s) => seen.has(s));
    results.push({
      file: file.file,
      type: file.type,
      pages: file.pages,
      bytes: file.bytes,
      chunks,
      rounds: ROUNDS,
      direct_s: +directS.toFixed(3),
      product_s: +productS.toFixed(3),
      ratio: +(productS / directS).toFixed(2),
      direct_chunks_per_s: +(chunks / directS).toFixed(1),
      product_chunks_per_s: +(chunks / productS).toFixed(1),
      direct_breakdown_ms: {
        parse: Math.round(median(directRuns.map((d) => d.parse_ms))),
        chunk: Math.round(median(directRuns.map((d) => d.chunk_ms))),
        embed: Math.round(median(directRuns.map((d) => d.embed_ms))),
      },
      product_stage_reached_ms: Object.fromEntries(
        stageNames.map((s) => [
          s,
          Math.round(median(productRuns.map((p) => p.stages[s] ?? NaN).filter(Number.isFinite))),
        ]),
      ),
      product_upload_ms: Math.round(median(productRuns.map((p) => p.upload_ms))),
      product_frames: productRuns.map((p) => p.frames),
      direct_runs_s: directRuns.map((d) => +(d.ms / 1000).toFixed(3)),
      product_runs_s: productRuns.map((p) => +(p.ms / 1000).toFixed(3)),
    });
  }
  const loadAfter = loadavg()[0] ?? NaN;

  console.log(
    `\ningest: Worker in wrangler's local runtime (createTestHarness: workerd + Miniflare, as wrangler dev), embedded Postgres, KnowledgeBase DO, ${selectEmbedder({}).model}`,
  );
  console.log(
    `  ${cpus().length} CPUs, Node ${process.version}, load average ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end; median of ${ROUNDS} rounds after one warm-up`,
  );
  console.log(
    `  file                                        | chunks | direct s | product s | ratio | direct ch/s | product ch/s | target <= ${TARGET_RATIO}`,
  );
  for (const r of results) {
    console.log(
      `  ${r.file.padEnd(43)} | ${String(r.chunks).padStart(6)} | ${r.direct_s.toFixed(2).padStart(8)} | ${r.product_s.toFixed(2).padStart(9)} | ${r.ratio.toFixed(2).padStart(5)} | ${r.direct_chunks_per_s.toFixed(0).padStart(11)} | ${r.product_chunks_per_s.toFixed(0).padStart(12)} | ${r.ratio <= TARGET_RATIO ? "met" : "MISSED"}`,
    );
  }
  for (const r of results) {
    const stages = Object.entries(r.product_stage_reached_ms)
      .map(([s, t]) => `${s} ${t}`)
      .join(", ");
    console.log(
      `  ${r.file}: direct parse ${r.direct_breakdown_ms.parse} ms, chunk ${r.direct_breakdown_ms.chunk} ms, embed ${r.direct_breakdown_ms.embed} ms; product upload answered at ${r.product_upload_ms} ms, stages first seen at (ms) ${stages}`,
    );
  }
  const logs = harness.getLogs();
  const workerErrors = logs.filter((l) => l.level === "error");
  if (workerErrors.length)
    console.log(
      `  Worker error logs: ${workerErrors.length}; first: ${workerErrors
        .slice(0, 3)
        .map((l) => l.message.slice(0, 240))
        .join(" | ")}`,
    );
  for (const e of errors) console.log(`  ERROR ${e}`);

  const out = {
    runtime: "wrangler createTestHarness (workerd + Miniflare, as wrangler dev)",
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "",
      node: process.version,
      load_average_1min: { start: loadBefore, end: loadAfter },
    },
    config: {
      chunk_size: 512,
      chunk_overlap: 50,
      chunks_per_batch: CHUNKS_PER_BATCH,
      embedding_model: selectEmbedder({}).model,
      vector_store: "KnowledgeBase DO",
      rounds: ROUNDS,
    },
    baseline:
      "sniffKind + parseDocument + chunkDocument + embedder.embed per batch, called directly in Node",
    product: "POST /api/v1/ingest -> final completed frame on WS /ws/ingest/{job_id}",
    target_ratio: TARGET_RATIO,
    files: results,
    errors,
    worker_error_logs: workerErrors.length,
    elapsed_s: +((performance.now() - t0) / 1000).toFixed(1),
    at: new Date().toISOString(),
  };
  await mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await writeFile(
    new URL("./results/ingest.json", import.meta.url),
    `${JSON.stringify(out, null, 2)}\n`,
  );
  console.log("  figures written to bench/results/ingest.json");
  return errors.length ? 1 : 0;
}

await shutdown(
  await main().catch((err: unknown) => {
    console.error(
      `\nbench:ingest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }),
);
