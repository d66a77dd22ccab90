/**
 * The Cloudflare cost of chat turns (LLM excluded) from what a bench run counted: Worker
 * invocations, Durable Object requests (WebSocket messages received at 20:1), Durable Object
 * duration, queue operations, SQLite rows, Postgres queries. Marginal prices of the Workers
 * Paid plan, without the monthly allowances (10 M Worker requests, 1 M DO requests, 400,000
 * GB-s, 1 M queue operations... are included in the $5 subscription): the cost of 1,000 more
 * turns on an account already past them.
 *
 * Prices as published on 2026-12-03 (looked up that day):
 * - Workers: https://developers.cloudflare.com/workers/platform/pricing/ (Standard: requests
 *   $0.30/million, CPU $0.02/million ms)
 * - Durable Objects: https://developers.cloudflare.com/durable-objects/platform/pricing/
 *   (requests $0.15/million, incl. RPC sessions, alarms and WebSocket messages received at
 *   20:1; duration $12.50/million GB-s at 128 MB while active and not hibernatable; SQLite
 *   storage rows read $0.001/million, rows written $1.00/million)
 * - Queues: https://developers.cloudflare.com/queues/pricing/ ($0.40/million operations, one
 *   per 64 KB written, read or deleted; a retry is another read)
 * - Postgres (Hyperdrive in front of it) is not priced per query here: its cost is the
 *   database's own; the count is reported so it can be priced against the provider's plan.
 */

export const PRICES_AS_OF = "2026-12-03";

export const PRICE_PER_MILLION = {
  worker_request: 0.3,
  worker_cpu_ms: 0.02,
  do_request: 0.15,
  do_gb_s: 12.5,
  queue_operation: 0.4,
  sqlite_row_read: 0.001,
  sqlite_row_written: 1.0,
} as const;

/** Durable Objects are billed for 128 MB while active, whatever they use. */
const DO_GB = 0.125;
/** Incoming WebSocket messages count as one request per 20. */
const WS_MESSAGES_PER_REQUEST = 20;

/** What a run measured (or estimated, said by `estimated`), per turn. */
export interface PerTurn {
  worker_requests: number;
  /** Worker CPU, ms: an upper bound when it also holds the Durable Objects' CPU. */
  worker_cpu_ms: number;
  do_requests_non_ws: number;
  do_ws_messages_in: number;
  do_active_s: number;
  queue_operations: number;
  sqlite_rows_read: number;
  sqlite_rows_written: number;
  postgres_queries: number;
}

export interface CostRow {
  item: string;
  per_1000_turns: number;
  unit: string;
  unit_price_usd: number;
  cost_usd: number | null;
  basis: "measured" | "estimated";
  note: string;
}

export function costOf1000Turns(
  t: PerTurn,
  estimated: Partial<Record<keyof PerTurn, string>>,
): { rows: CostRow[]; total_usd: number } {
  const k = 1000;
  const row = (
    key: keyof PerTurn,
    item: string,
    count: number,
    unit: string,
    pricePerMillion: number | null,
    note: string,
  ): CostRow => ({
    item,
    per_1000_turns: +(count * k).toFixed(2),
    unit,
    unit_price_usd: pricePerMillion === null ? 0 : pricePerMillion / 1e6,
    cost_usd: pricePerMillion === null ? null : (count * k * pricePerMillion) / 1e6,
    basis: estimated[key] ? "estimated" : "measured",
    note: estimated[key] ?? note,
  });
  const rows = [
    row(
      "worker_requests",
      "Worker requests (fetch + queue invocations)",
      t.worker_requests,
      "request",
      PRICE_PER_MILLION.worker_request,
      "counted in the Worker's handlers",
    ),
    row(
      "worker_cpu_ms",
      "Worker CPU time",
      t.worker_cpu_ms,
      "CPU ms",
      PRICE_PER_MILLION.worker_cpu_ms,
      "workerd CPU from /proc (includes the Durable Objects', which are billed by duration instead: an upper bound)",
    ),
    row(
      "do_requests_non_ws",
      "Durable Object requests (fetch, RPC, alarms)",
      t.do_requests_non_ws,
      "request",
      PRICE_PER_MILLION.do_request,
      "counted in the objects' methods",
    ),
    row(
      "do_ws_messages_in",
      "Durable Object WebSocket messages received (billed 20:1)",
      t.do_ws_messages_in,
      "message",
      PRICE_PER_MILLION.do_request / WS_MESSAGES_PER_REQUEST,
      "counted in webSocketMessage (pings answered by the auto-response are free and not counted)",
    ),
    row(
      "do_active_s",
      "Durable Object duration",
      t.do_active_s * DO_GB,
      "GB-s",
      PRICE_PER_MILLION.do_gb_s,
      "active seconds x 0.125 GB",
    ),
    row(
      "queue_operations",
      "Queue operations (write + read + delete, retries)",
      t.queue_operations,
      "operation",
      PRICE_PER_MILLION.queue_operation,
      "3 per message written (write, read, delete) + 1 per retry counted; every message here is under 64 KB",
    ),
    row(
      "sqlite_rows_read",
      "Durable Object SQLite rows read",
      t.sqlite_rows_read,
      "row",
      PRICE_PER_MILLION.sqlite_row_read,
      "cursor.rowsRead of every statement",
    ),
    row(
      "sqlite_rows_written",
      "Durable Object SQLite rows written",
      t.sqlite_rows_written,
      "row",
      PRICE_PER_MILLION.sqlite_row_written,
      "cursor.rowsWritten of every statement",
    ),
    row(
      "postgres_queries",
      "Postgres queries (through Hyperdrive)",
      t.postgres_queries,
      "query",
      null,
      "counted on the wire, per conversation message delivered x messages per turn; priced by the database's provider",
    ),
  ];
  return { rows, total_usd: rows.reduce((s, r) => s + (r.cost_usd ?? 0), 0) };
}

export function formatCostTable(rows: CostRow[], total: number): string[] {
  const usd = (v: number | null) => (v === null ? "-" : `$${v.toFixed(5)}`);
  const lines = [
    `  ${"item".padEnd(58)} | ${"per 1,000 turns".padStart(15)} | ${"unit price".padStart(22)} | ${"cost".padStart(9)} | basis`,
  ];
  for (const r of rows)
    lines.push(
      `  ${r.item.padEnd(58)} | ${r.per_1000_turns.toFixed(1).padStart(15)} | ${`$${(r.unit_price_usd * 1e6).toFixed(3)}/M ${r.unit}`.padStart(22)} | ${usd(r.cost_usd).padStart(9)} | ${r.basis}${r.basis === "estimated" ? `: ${r.note}` : ""}`,
    );
  lines.push(
    `  ${"total (LLM and Postgres excluded)".padEnd(58)} | ${" ".repeat(15)} | ${" ".repeat(22)} | ${usd(total).padStart(9)} |`,
  );
  return lines;
}
