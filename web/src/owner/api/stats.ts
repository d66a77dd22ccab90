/** The overview's numbers in one call: GET /api/v1/stats (totals, token usage and activity per UTC day). */
import { StatsSchema } from "../../../../shared/api/stats.ts";
import type { Stats } from "../../../../shared/api/stats.ts";
import { api, query } from "../../lib/api.ts";

/** One bar of the conversations chart. */
export interface DayCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  count: number;
}

/** Totals and the last `days` UTC days (oldest first, ending today). */
export function usageStats(days = 30): Promise<Stats> {
  return api(`/api/v1/stats${query({ days })}`, { schema: StatsSchema });
}

/** Conversations started per day, as the chart draws them. */
export function conversationsPerDay(stats: Stats): DayCount[] {
  return stats.days.map((d) => ({ day: d.day, count: d.conversations }));
}
