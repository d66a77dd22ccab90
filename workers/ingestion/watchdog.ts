/**
 * The ingestion watchdog's clock, shared by the IngestionJob (which re-drives lost work) and
 * the stages (which prove they are alive). A crash loses the queue messages in flight but not
 * the job's state; the job notices the silence after `INGESTION_WATCHDOG_MS` and sends the
 * missing work again. A stage that is still running sends heartbeats, so a slow stage is not
 * re-driven in a loop.
 */
import type { WorkerEnv } from "../env.ts";

/** Production default: about a minute of silence before a stage counts as lost. */
export const DEFAULT_WATCHDOG_MS = 60_000;

/** How many times a job's work runs without progress (the first run included) before it fails. */
export const MAX_ATTEMPTS = 3;

/** `INGESTION_WATCHDOG_MS` from the environment; anything unusable falls back to the default. */
export function watchdogMs(env: Partial<Pick<WorkerEnv, "INGESTION_WATCHDOG_MS">>): number {
  const n = Number(env.INGESTION_WATCHDOG_MS);
  return Number.isFinite(n) && n >= 100 ? Math.floor(n) : DEFAULT_WATCHDOG_MS;
}

/** The part of the job a stage reports liveness to. */
export interface HeartbeatTarget {
  /** `false`: the stage stopped on an error (its retry, or the watchdog, takes over). */
  heartbeat(running?: boolean): Promise<void>;
}

/**
 * Another delivery is running this job's work right now (it beat within half a watchdog
 * period): a duplicate process action (a re-drive racing a slow queue) leaves it alone
 * instead of parsing the same file twice at once.
 */
export function busyElsewhere(
  s: { stage: string; alive_at: number },
  env: Partial<Pick<WorkerEnv, "INGESTION_WATCHDOG_MS">>,
  now = Date.now(),
): boolean {
  if (
    s.stage === "stored" ||
    s.stage === "completed" ||
    s.stage === "failed" ||
    s.stage === "cancelled"
  )
    return false;
  return now - s.alive_at < watchdogMs(env) / 2;
}

/**
 * Runs a stage while telling the job it is alive: once at the start and then four times per
 * watchdog period, so one late beat never makes a live stage look lost. Beats only fire while
 * the stage awaits something (I/O, an async parser); a stage that holds the CPU for a whole
 * watchdog period may be re-driven, which is harmless (every report to the job is idempotent).
 */
export async function withHeartbeat<T>(
  env: Partial<Pick<WorkerEnv, "INGESTION_WATCHDOG_MS">>,
  job: HeartbeatTarget,
  stage: () => Promise<T>,
): Promise<T> {
  const beat = () => job.heartbeat().catch(() => undefined);
  await beat();
  const timer = setInterval(() => void beat(), Math.max(25, Math.floor(watchdogMs(env) / 4)));
  try {
    const result = await stage();
    clearInterval(timer);
    return result;
  } catch (err) {
    clearInterval(timer);
    // Not alive any more: the queue's retry must not find this stage "busy elsewhere".
    await job.heartbeat(false).catch(() => undefined);
    throw err;
  }
}
