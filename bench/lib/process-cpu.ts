/**
 * CPU time actually used by this process and its descendants (workerd, the PGlite child), from
 * /proc: what a phase of a bench cost each of them, independent of the sampling profiler (which,
 * in workerd, counts time spent waiting as time spent in the last function that ran).
 * Linux only; elsewhere it reports nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  name: string;
  cpuMs: number;
}

function readStat(pid: string): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The name is in parentheses and may hold spaces; the fields after it are space-separated.
    const close = text.lastIndexOf(")");
    const name = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15)
    return { pid: Number(pid), ppid: Number(fields[1]), name, cpuMs: (ticks * 1000) / TICKS_PER_S };
  } catch {
    return null; // gone, or not Linux
  }
}

/** CPU milliseconds so far, per process ("name pid"), of this process and everything it started. */
export function cpuByProcess(): Record<string, number> {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return {};
  }
  const stats = entries.map(readStat).filter((s): s is ProcStat => s !== null);
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const out: Record<string, number> = {};
  const visit = (pid: number, self: boolean) => {
    const s = stats.find((x) => x.pid === pid);
    if (s) {
      // Processes of one name (wrangler dev runs two workerd) are told apart by pid.
      const key = self ? "bench (node)" : `${s.name} ${s.pid}`;
      out[key] = (out[key] ?? 0) + s.cpuMs;
    }
    for (const c of children.get(pid) ?? []) visit(c.pid, false);
  };
  visit(process.pid, true);
  return out;
}

/** What each process used between two readings of cpuByProcess. */
export function cpuSince(
  before: Record<string, number>,
  after = cpuByProcess(),
): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
}
