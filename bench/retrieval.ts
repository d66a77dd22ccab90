/**
 * Retrieval quality and search latency of the KnowledgeBase Durable Object (`npm run
 * bench:retrieval`).
 *
 * Quality: the scifact-mini corpus (../shared/eval/retrieval, 1,000 abstracts) goes into one
 * tenant's KnowledgeBase, one chunk per document (title + text, lexical embedding); its 100
 * claims are searched in dense, fulltext and hybrid mode (top 10) and scored with nDCG@10,
 * Recall@10 and MRR@10 against the binary qrels, beside the plain-BM25 reference from the
 * set's README (nDCG@10 0.828, Recall@10 0.908). The same three modes are scored on the
 * second set, squad2-dev-5articles (173 Wikipedia paragraphs, its 300 answerable questions;
 * BM25 reference nDCG@10 0.920), so a ranking change is not judged on one corpus alone.
 *
 * Similarity threshold: the agent's threshold filters passages by their absolute relevance
 * signals (workers/knowledge/relevance.ts). For each set and mode, the figures above are
 * measured again after the filter, at the default threshold and at the old default 0.7,
 * under the rule before issue 10 (only dense search filtered, on its cosine) and the rule
 * now, with the share of answerable questions still answered and, for off-topic questions
 * (each set's questions asked of the other set's corpus), the share that retrieve nothing;
 * plus a sweep of thresholds in hybrid mode (tuned on scifact-mini, confirmed on squad2).
 *
 * Latency: the same 100 queries against 1k chunks and against 20k chunks (the corpus plus 19
 * variations of each abstract: sentences rotated and one left out), timed per DO call from a
 * bench Worker beside nooble (bench/retrieval-driver.ts) in wrangler's local runtime, with
 * the cheapest DO call (one COUNT) measured in the same run as the baseline. The first search
 * after loading builds the in-memory index; its time and size are reported apart.
 *
 * Everything runs on this machine; every loop is bounded; the process exits by itself. Exit
 * code 1 only if something fails, never on a figure. Results also go to
 * bench/results/retrieval.json.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { createTestHarness } from "wrangler";
import { LEXICAL_DIMENSIONS, LEXICAL_MODEL } from "../workers/embeddings/lexical.ts";
import { HYBRID_DEPTH_FACTOR, denseWeightFor } from "../workers/knowledge/fusion.ts";
import { CONFIG_LIMITS, SEARCH_MODES } from "../shared/config.ts";
import type { SearchMode } from "../workers/knowledge/vector-store.ts";
import { ms, percentile } from "./lib/stats.ts";
import { afterRule, beforeRule, thresholdFigures } from "./lib/threshold.ts";
import type { BenchHit, ThresholdFigures } from "./lib/threshold.ts";

const SETS = new URL("../../shared/eval/retrieval/", import.meta.url).pathname;
const TOP_K = 10;
const LARGE = 20_000;
const LATENCY_ROUNDS = Number(process.env.BENCH_RETRIEVAL_ROUNDS ?? 3);
const BASELINE_N = 300;
const HARD_LIMIT_MS = 15 * 60_000;
const REFERENCE = {
  bm25: { ndcg_at_10: 0.828, recall_at_10: 0.908 },
  squad_bm25: { ndcg_at_10: 0.92 },
};
const TARGETS = { hybrid_ndcg_at_10: 0.83, p50_ms_at_20k: 30 };

const watchdog = setTimeout(() => {
  console.error(`\nbench:retrieval: still running after ${HARD_LIMIT_MS / 60_000} min; giving up.`);
  process.exit(1);
}, HARD_LIMIT_MS);
watchdog.unref();

// ---- the data set ----

interface Doc {
  id: string;
  title: string;
  text: string;
}
function loadSet(name: string) {
  const dir = `${SETS}${name}/`;
  const jsonl = (file: string): unknown[] =>
    readFileSync(`${dir}${file}`, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l): unknown => JSON.parse(l));
  const qrels = new Map<string, Set<string>>();
  for (const line of readFileSync(`${dir}qrels.tsv`, "utf8").trim().split("\n").slice(1)) {
    const [q = "", d = "", score = "0"] = line.split("\t");
    if (Number(score) > 0) qrels.set(q, (qrels.get(q) ?? new Set()).add(d));
  }
  const queries = jsonl("queries.jsonl") as { id: string; text: string }[];
  const judged = queries.filter((q) => qrels.has(q.id));
  // squad2's questions without a relevant paragraph (is_impossible): on topic, not answerable.
  const unanswerable = queries.filter((q) => !qrels.has(q.id));
  return { corpus: jsonl("corpus.jsonl") as Doc[], queries, judged, unanswerable, qrels };
}
const scifactSet = loadSet("scifact-mini");
const squadSet = loadSet("squad2-dev-5articles");
const { corpus, judged } = scifactSet;

// ---- metrics (binary relevance) ----

interface Quality {
  ndcg_at_10: number;
  recall_at_10: number;
  mrr_at_10: number;
}

/** nDCG@10, Recall@10 and MRR@10 of ranked document ids against one query's relevant set. */
export function scoreRanking(ranked: string[], relevant: Set<string>): Quality {
  const top = ranked.slice(0, 10);
  let dcg = 0;
  let found = 0;
  let rr = 0;
  top.forEach((id, i) => {
    if (!relevant.has(id)) return;
    dcg += 1 / Math.log2(i + 2);
    found++;
    if (rr === 0) rr = 1 / (i + 1);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(relevant.size, 10); i++) ideal += 1 / Math.log2(i + 2);
  return {
    ndcg_at_10: ideal ? dcg / ideal : 0,
    recall_at_10: relevant.size ? found / relevant.size : 0,
    mrr_at_10: rr,
  };
}

const mean = (xs: Quality[]): Quality => {
  const sum = (k: keyof Quality) => round(xs.reduce((s, x) => s + x[k], 0) / xs.length, 3);
  return {
    ndcg_at_10: sum("ndcg_at_10"),
    recall_at_10: sum("recall_at_10"),
    mrr_at_10: sum("mrr_at_10"),
  };
};
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

// ---- the 20k corpus: each abstract and 19 variations of it ----

function variation(doc: Doc, k: number): Doc {
  const sentences = doc.text.split(/(?<=[.!?])\s+/).filter(Boolean);
  const rotated = sentences.map((_, i) => sentences[(i + k) % sentences.length] ?? "");
  if (rotated.length > 2) rotated.splice(k % rotated.length, 1);
  return { id: `${doc.id}-v${k}`, title: doc.title, text: rotated.join(" ") };
}
const large: Doc[] = [];
for (let k = 0; large.length < LARGE; k++)
  for (const d of corpus) if (large.length < LARGE) large.push(k === 0 ? d : variation(d, k));

// ---- the runtime ----

process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE ??=
  "postgres://bench:bench@127.0.0.1:9/unused";
const root = new URL("../", import.meta.url).pathname;
const server = createTestHarness({
  workers: [
    { configPath: `${root}wrangler.toml`, vars: { ENVIRONMENT: "development" } },
    {
      config: {
        name: "retrieval-driver",
        main: `${root}bench/retrieval-driver.ts`,
        compatibility_date: "2026-11-01",
        compatibility_flags: ["nodejs_compat"],
        durable_objects: {
          bindings: [{ name: "KB", class_name: "KnowledgeBase", script_name: "nooble" }],
        },
      },
    },
  ],
});
await server.listen();
const driver = server.getWorker("retrieval-driver");
async function call<T>(path: string, body: unknown): Promise<T> {
  const res = await driver.fetch(`http://driver${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

const run = Date.now().toString(36);
async function ingest(tenant: string, docs: Doc[]): Promise<{ seconds: number }> {
  const started = performance.now();
  for (let i = 0; i < docs.length; i += 250) {
    const batch = docs.slice(i, i + 250).map((d) => ({ id: d.id, text: `${d.title}\n${d.text}` }));
    const { result } = await call<{ result: { ok: boolean } }>("/ingest", { tenant, docs: batch });
    if (!result.ok) throw new Error(`ingest refused: ${JSON.stringify(result)}`);
  }
  return { seconds: round((performance.now() - started) / 1000, 1) };
}

interface Timing {
  p50: number;
  p99: number;
  mean: number;
  n: number;
}
const timing = (samples: number[]): Timing => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    mean: round(samples.reduce((a, b) => a + b, 0) / samples.length),
    n: samples.length,
  };
};

type SearchResult = { ids: string[]; hits: BenchHit[]; embed_ms: number; search_ms: number }[];
const search = (tenant: string, mode: SearchMode, queries = judged) =>
  call<SearchResult>("/search", {
    tenant,
    queries: queries.map((q) => q.text),
    mode,
    top_k: TOP_K,
  });

type EvalSet = ReturnType<typeof loadSet>;

/** Mean quality of each mode on one set, loaded into `tenant`, and the hits it was scored on. */
async function quality(
  tenant: string,
  set: EvalSet,
): Promise<{ quality: Record<SearchMode, Quality>; hits: Record<SearchMode, BenchHit[][]> }> {
  const out = {} as Record<SearchMode, Quality>;
  const hits = {} as Record<SearchMode, BenchHit[][]>;
  for (const mode of SEARCH_MODES) {
    const results = await search(tenant, mode, set.judged);
    out[mode] = mean(
      results.map((r, i) =>
        scoreRanking(r.ids, set.qrels.get(set.judged[i]?.id ?? "") ?? new Set()),
      ),
    );
    hits[mode] = results.map((r) => r.hits);
  }
  return { quality: out, hits };
}

const DEFAULT_THRESHOLD = CONFIG_LIMITS.similarityThreshold.default;
const OLD_DEFAULT_THRESHOLD = 0.7;
const SWEEP = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.7];

interface ThresholdReport {
  /** Per mode: before/after rule at the default threshold and at the old default 0.7. */
  modes: Record<
    SearchMode,
    {
      before_default: ThresholdFigures;
      after_default: ThresholdFigures;
      before_0_7: ThresholdFigures;
      after_0_7: ThresholdFigures;
    }
  >;
  /** Hybrid mode, the rule now, over thresholds. */
  hybrid_sweep: (ThresholdFigures & { threshold: number })[];
  /** squad2 only: on-topic questions with no answer in the corpus that retrieve nothing, hybrid, at the default. */
  unanswerable_empty_share?: number;
}

/** The threshold's effect on one set (in `tenant`), with `outsiders` (the other set's questions) as off-topic questions. */
async function thresholdReport(
  tenant: string,
  set: EvalSet,
  judgedHits: Record<SearchMode, BenchHit[][]>,
  outsiders: { id: string; text: string }[],
): Promise<ThresholdReport> {
  const modes = {} as ThresholdReport["modes"];
  let hybridJudged: { hits: BenchHit[]; relevant: Set<string> }[] = [];
  let hybridOutside: BenchHit[][] = [];
  for (const mode of SEARCH_MODES) {
    const judged = judgedHits[mode].map((hits, i) => ({
      hits,
      relevant: set.qrels.get(set.judged[i]?.id ?? "") ?? new Set<string>(),
    }));
    const outside = (await search(tenant, mode, outsiders)).map((r) => r.hits);
    modes[mode] = {
      before_default: thresholdFigures(judged, outside, beforeRule(mode), DEFAULT_THRESHOLD),
      after_default: thresholdFigures(judged, outside, afterRule, DEFAULT_THRESHOLD),
      before_0_7: thresholdFigures(judged, outside, beforeRule(mode), OLD_DEFAULT_THRESHOLD),
      after_0_7: thresholdFigures(judged, outside, afterRule, OLD_DEFAULT_THRESHOLD),
    };
    if (mode === "hybrid") {
      hybridJudged = judged;
      hybridOutside = outside;
    }
  }
  const report: ThresholdReport = {
    modes,
    hybrid_sweep: SWEEP.map((t) => ({
      threshold: t,
      ...thresholdFigures(hybridJudged, hybridOutside, afterRule, t),
    })),
  };
  if (set.unanswerable.length > 0) {
    const hits = (await search(tenant, "hybrid", set.unanswerable)).map((r) => r.hits);
    report.unanswerable_empty_share = round(
      hits.filter((h) => !h.some((x) => afterRule(x, DEFAULT_THRESHOLD))).length / hits.length,
      3,
    );
  }
  return report;
}

function printThreshold(name: string, r: ThresholdReport): void {
  const row = (label: string, f: ThresholdFigures) =>
    console.log(
      `    ${label.padEnd(30)}${f.ndcg_at_10.toFixed(3)}    ${f.recall_at_10.toFixed(3)}      ${f.answered_share.toFixed(3)}     ${f.relevant_kept_share.toFixed(3)}        ${f.out_of_domain_empty_share.toFixed(3)}`,
    );
  console.log(`  ${name}:`);
  console.log(`    ${"".padEnd(30)}nDCG@10  Recall@10  answered  relevant kept  off-topic empty`);
  for (const mode of SEARCH_MODES) {
    const m = r.modes[mode];
    row(`${mode}, before, ${DEFAULT_THRESHOLD}`, m.before_default);
    row(`${mode}, now, ${DEFAULT_THRESHOLD}`, m.after_default);
    row(`${mode}, before, ${OLD_DEFAULT_THRESHOLD}`, m.before_0_7);
    row(`${mode}, now, ${OLD_DEFAULT_THRESHOLD}`, m.after_0_7);
  }
  for (const s of r.hybrid_sweep) row(`hybrid, now, threshold ${s.threshold}`, s);
  if (r.unanswerable_empty_share !== undefined)
    console.log(
      `    unanswerable on-topic questions retrieving nothing (hybrid, ${DEFAULT_THRESHOLD}): ${r.unanswerable_empty_share.toFixed(3)}`,
    );
}

async function latency(
  tenant: string,
): Promise<Record<SearchMode, { search: Timing; embed: Timing }>> {
  const out = {} as Record<SearchMode, { search: Timing; embed: Timing }>;
  for (const mode of SEARCH_MODES) {
    await search(tenant, mode); // warm-up round
    const rounds: SearchResult = [];
    for (let r = 0; r < LATENCY_ROUNDS; r++) rounds.push(...(await search(tenant, mode)));
    out[mode] = {
      search: timing(rounds.map((x) => x.search_ms)),
      embed: timing(rounds.map((x) => x.embed_ms)),
    };
  }
  return out;
}

try {
  // Quality at 1k.
  const small = `bench-1k-${run}`;
  const ingestSmall = await ingest(small, corpus);
  const statsSmall = await call<{
    chunks: number;
    resident: boolean;
    bytes: number;
    build_ms: number;
  }>("/stats", { tenant: small });
  const scifactRun = await quality(small, scifactSet);
  const scifactQuality = scifactRun.quality;
  const squadTenant = `bench-squad-${run}`;
  await ingest(squadTenant, squadSet.corpus);
  const squadRun = await quality(squadTenant, squadSet);
  const squadQuality = squadRun.quality;
  const threshold = {
    default: DEFAULT_THRESHOLD,
    scifact: await thresholdReport(small, scifactSet, scifactRun.hits, squadSet.queries),
    squad2: await thresholdReport(squadTenant, squadSet, squadRun.hits, scifactSet.queries),
  };
  const latencySmall = await latency(small);

  // Latency at 20k.
  const big = `bench-20k-${run}`;
  const ingestBig = await ingest(big, large);
  const statsBig = await call<{
    chunks: number;
    resident: boolean;
    bytes: number;
    build_ms: number;
  }>("/stats", { tenant: big });
  const latencyBig = await latency(big);
  const baseline = timing(await call<number[]>("/baseline", { tenant: big, n: BASELINE_N }));

  const results = {
    runtime:
      "wrangler createTestHarness (workerd + Miniflare, as wrangler dev); DO calls timed from a Worker beside nooble",
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "unknown",
      node: process.version,
      load_average_1m: round(loadavg()[0] ?? 0),
    },
    data_set: "scifact-mini (../shared/eval/retrieval): 1,000 docs, 100 queries, binary qrels",
    embedding: { model: LEXICAL_MODEL, dimensions: LEXICAL_DIMENSIONS },
    top_k: TOP_K,
    hybrid_fusion: {
      method: "min-max score fusion (workers/knowledge/fusion.ts)",
      dense_weight: denseWeightFor(LEXICAL_MODEL),
      depth: TOP_K * HYBRID_DEPTH_FACTOR,
    },
    quality: scifactQuality,
    squad2_quality: squadQuality,
    similarity_threshold: threshold,
    reference: REFERENCE,
    targets: TARGETS,
    ingest_seconds: { "1k": ingestSmall.seconds, "20k": ingestBig.seconds },
    index: { "1k": statsSmall, "20k": statsBig },
    baseline_do_call_ms: baseline,
    latency_ms: { "1k": latencySmall, "20k": latencyBig },
  };

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `\n(load average ${(loadavg()[0] ?? 0).toFixed(1)} on ${cpus().length} CPUs: other work on this machine inflates the latency figures, p99 most)`,
  );
  console.log(
    `retrieval: scifact-mini, ${judged.length} queries, top ${TOP_K}, ${LEXICAL_MODEL} (${LEXICAL_DIMENSIONS} dims), KnowledgeBase DO`,
  );
  console.log(`  ${pad("", 22)}nDCG@10  Recall@10  MRR@10`);
  console.log(
    `  ${pad("reference BM25", 22)}${REFERENCE.bm25.ndcg_at_10.toFixed(3)}    ${REFERENCE.bm25.recall_at_10.toFixed(3)}      -`,
  );
  for (const mode of SEARCH_MODES) {
    const q = scifactQuality[mode];
    console.log(
      `  ${pad(`product ${mode}`, 22)}${q.ndcg_at_10.toFixed(3)}    ${q.recall_at_10.toFixed(3)}      ${q.mrr_at_10.toFixed(3)}   (${(q.ndcg_at_10 / REFERENCE.bm25.ndcg_at_10).toFixed(3)}x BM25 nDCG)`,
    );
  }
  console.log(
    `  squad2-dev-5articles, ${squadSet.judged.length} answerable questions (BM25 reference nDCG@10 ${REFERENCE.squad_bm25.ndcg_at_10.toFixed(3)}):`,
  );
  for (const mode of SEARCH_MODES) {
    const q = squadQuality[mode];
    console.log(
      `  ${pad(`product ${mode}`, 22)}${q.ndcg_at_10.toFixed(3)}    ${q.recall_at_10.toFixed(3)}      ${q.mrr_at_10.toFixed(3)}`,
    );
  }
  console.log(
    `  target: scifact hybrid nDCG@10 >= ${TARGETS.hybrid_ndcg_at_10}: ${scifactQuality.hybrid.ndcg_at_10 >= TARGETS.hybrid_ndcg_at_10 ? "met" : "NOT met"}`,
  );
  console.log(
    `\n  similarity threshold (default ${DEFAULT_THRESHOLD}); off-topic = the other set's ${squadSet.queries.length} / ${scifactSet.queries.length} questions:`,
  );
  printThreshold("scifact-mini (off-topic: squad2 questions)", threshold.scifact);
  printThreshold("squad2-dev-5articles (off-topic: scifact claims)", threshold.squad2);
  console.log(
    `\n  index build (first search after load): 1k ${ms(statsSmall.build_ms)} (${(statsSmall.bytes / 2 ** 20).toFixed(1)} MiB), 20k ${ms(statsBig.build_ms)} (${(statsBig.bytes / 2 ** 20).toFixed(1)} MiB, ${statsBig.resident ? "in memory" : "streamed"})`,
  );
  console.log(
    `  ingest: 1k in ${ingestSmall.seconds} s, 20k in ${ingestBig.seconds} s (embedding included)`,
  );
  console.log(
    `  baseline  DO call (one COUNT)            p50 ${ms(baseline.p50)}  p99 ${ms(baseline.p99)}`,
  );
  for (const [size, lat] of [
    ["1k", latencySmall],
    ["20k", latencyBig],
  ] as const) {
    for (const mode of SEARCH_MODES) {
      const t = lat[mode].search;
      console.log(
        `  ${pad(`search ${size} ${mode}`, 40)} p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  (p50 ${(t.p50 / baseline.p50).toFixed(1)}x baseline; query embedding p50 ${ms(lat[mode].embed.p50)})`,
      );
    }
  }
  const worst = Math.max(...SEARCH_MODES.map((m) => latencyBig[m].search.p50));
  console.log(
    `  target: p50 <= ${TARGETS.p50_ms_at_20k} ms at 20k in every mode: ${worst <= TARGETS.p50_ms_at_20k ? "met" : "NOT met"} (worst ${ms(worst)})`,
  );

  await mkdir(new URL("./results/", import.meta.url), { recursive: true });
  await writeFile(
    new URL("./results/retrieval.json", import.meta.url),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log("  written to bench/results/retrieval.json");
} finally {
  await server.close();
}
