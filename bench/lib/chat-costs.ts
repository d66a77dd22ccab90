/**
 * bench:chat's cost figures from its phases: workerd CPU per turn of the product against the
 * minimal relay (bench/relay/worker.ts) in the same run, and the per-turn counts the cost model
 * (cost-model.ts) prices.
 */
import type { PerTurn } from "./cost-model.ts";

/** What the cost figures need of a phase. */
export interface PhaseFigures {
  answered: number;
  /** CPU ms per process ("workerd 1234", ...) during the phase. */
  cpuMs: Record<string, number>;
  counts: Record<string, number>;
  pgQueries: number;
}

const sumOf = (cpuMs: Record<string, number>, processes: string[]) =>
  processes.reduce((n, p) => n + (cpuMs[p] ?? 0), 0);

/**
 * Which workerd processes are the product's and which the minimal relay's, from what they did:
 * each side's phases alternate, so a process belongs to the side whose phases it spent its CPU
 * in. (Telling them apart by start order fails: starting the relay's dev environment makes
 * wrangler restart the product's runtime, under a new pid.) Of each side, the Worker is the
 * process that used the most CPU, the other is wrangler's proxy worker, which exists only under
 * `wrangler dev`: in production the edge hands requests to the Worker directly.
 */
export function classifyWorkerd(
  productPhases: PhaseFigures[],
  minimalPhases: PhaseFigures[],
): { product: { worker: string; all: string[] }; minimal: { worker: string; all: string[] } } {
  const spent = (phases: PhaseFigures[]) => {
    const out = new Map<string, number>();
    for (const f of phases)
      for (const [p, ms] of Object.entries(f.cpuMs))
        if (p.startsWith("workerd ")) out.set(p, (out.get(p) ?? 0) + ms);
    return out;
  };
  const inProduct = spent(productPhases);
  const inMinimal = spent(minimalPhases);
  const all = [...new Set([...inProduct.keys(), ...inMinimal.keys()])];
  const side = (mine: Map<string, number>, theirs: Map<string, number>) => {
    const procs = all.filter((p) => (mine.get(p) ?? 0) > (theirs.get(p) ?? 0));
    const worker = procs.reduce(
      (best, p) => ((mine.get(p) ?? 0) > (mine.get(best) ?? -1) ? p : best),
      procs[0] ?? "",
    );
    return { worker, all: procs };
  };
  return { product: side(inProduct, inMinimal), minimal: side(inMinimal, inProduct) };
}

export interface RatioRow {
  phase: string;
  product_ms: number;
  minimal_ms: number;
  ratio: number;
  /** The same with wrangler's proxy worker counted on both sides. */
  product_with_proxy_ms: number;
  minimal_with_proxy_ms: number;
  ratio_with_proxy: number;
}

/** CPU per answered turn of each side, per pair of phases and pooled over all of them. */
export function cpuRatios(
  pairs: { name: string; product: PhaseFigures; minimal: PhaseFigures }[],
  product: { worker: string; all: string[] },
  minimal: { worker: string; all: string[] },
): { rows: RatioRow[]; pooled: RatioRow } {
  const row = (phase: string, p: PhaseFigures[], m: PhaseFigures[]): RatioRow => {
    const turns = (fs: PhaseFigures[]) => fs.reduce((n, f) => n + f.answered, 0) || 1;
    const per = (fs: PhaseFigures[], procs: string[]) =>
      fs.reduce((n, f) => n + sumOf(f.cpuMs, procs), 0) / turns(fs);
    const pw = per(p, [product.worker]);
    const mw = per(m, [minimal.worker]);
    const pa = per(p, product.all);
    const ma = per(m, minimal.all);
    return {
      phase,
      product_ms: +pw.toFixed(2),
      minimal_ms: +mw.toFixed(2),
      ratio: +(pw / mw).toFixed(2),
      product_with_proxy_ms: +pa.toFixed(2),
      minimal_with_proxy_ms: +ma.toFixed(2),
      ratio_with_proxy: +(pa / ma).toFixed(2),
    };
  };
  return {
    rows: pairs.map((x) => row(x.name, [x.product], [x.minimal])),
    pooled: row(
      "all phases pooled",
      pairs.map((x) => x.product),
      pairs.map((x) => x.minimal),
    ),
  };
}

const total = (counts: Record<string, number>, match: (key: string) => boolean) =>
  Object.entries(counts)
    .filter(([k]) => match(k))
    .reduce((n, [, v]) => n + v, 0);

/**
 * Per-turn counts for the cost model: the turns' own (summed over the product phases), plus
 * each session's opening (chat/init, socket upgrade) spread over `turnsPerSession` turns.
 *
 * Queue messages are priced from the writes: each message written is read and deleted once
 * (3 operations), plus one read per retry counted. The run cannot wait for every delivery (the
 * conversation consumer falls behind under the load phase), so counting reads and deletes in
 * the window would undercount. Postgres queries likewise: the queries per conversation message
 * delivered, times the conversation messages written per turn.
 */
export function perTurnCounts(opts: {
  phases: PhaseFigures[];
  setup: { counts: Record<string, number>; pgQueries: number; sessions: number };
  turnsPerSession: number;
  workerCpuMsPerTurn: number;
  doActiveSecondsPerTurn: number;
}): { perTurn: PerTurn; turns: number; raw: Record<string, number> } {
  const turns = opts.phases.reduce((n, f) => n + f.answered, 0) || 1;
  const raw: Record<string, number> = {};
  for (const f of opts.phases)
    for (const [k, v] of Object.entries(f.counts)) raw[k] = (raw[k] ?? 0) + v;
  const sessionShare = 1 / (Math.max(1, opts.setup.sessions) * opts.turnsPerSession);
  const both = (match: (key: string) => boolean) =>
    total(raw, match) / turns + total(opts.setup.counts, match) * sessionShare;
  const pg = opts.phases.reduce((n, f) => n + f.pgQueries, 0);
  return {
    turns,
    raw,
    perTurn: {
      worker_requests: both((k) => k.startsWith("worker.")),
      worker_cpu_ms: opts.workerCpuMsPerTurn,
      do_requests_non_ws: both(
        (k) => k.startsWith("do.request.") || /^do\.handler\.\w+\.alarm$/.test(k),
      ),
      do_ws_messages_in: both((k) => /^do\.handler\.\w+\.webSocketMessage$/.test(k)),
      do_active_s: opts.doActiveSecondsPerTurn,
      queue_operations:
        3 * both((k) => k.startsWith("queue.write.")) + both((k) => k.startsWith("queue.retry.")),
      sqlite_rows_read: both((k) => k.startsWith("do.sql.rows_read.")),
      // setAlarm writes the object's alarm row: counted as one row written.
      sqlite_rows_written: both(
        (k) => k.startsWith("do.sql.rows_written.") || k.startsWith("do.alarm_set."),
      ),
      postgres_queries:
        (pg /
          Math.max(
            1,
            total(raw, (k) => k === "queue.ack.nooble-conversation"),
          )) *
          (total(raw, (k) => k === "queue.write.CONVERSATION_QUEUE") / turns) +
        opts.setup.pgQueries * sessionShare,
    },
  };
}
