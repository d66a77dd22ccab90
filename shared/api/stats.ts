/**
 * The owner's usage in one answer: totals over everything the tenant has, and per UTC day
 * over the last `days` days (oldest first, ending today, days without activity as zeros).
 * Tokens are the `usage` the LLM reported on assistant messages.
 */
import { z } from "zod";

export const STATS_MAX_DAYS = 366;
export const STATS_DEFAULT_DAYS = 30;

const daysError = `days must be a whole number from 1 to ${STATS_MAX_DAYS}`;

export const StatsQuerySchema = z.object({
  days: z.coerce
    .number({ error: daysError })
    .int({ error: daysError })
    .min(1, { error: daysError })
    .max(STATS_MAX_DAYS, { error: daysError })
    .default(STATS_DEFAULT_DAYS),
});
export type StatsQuery = z.infer<typeof StatsQuerySchema>;

const count = z.number().int().min(0);

export const TokenTotalsSchema = z.object({ prompt: count, completion: count, total: count });
export type TokenTotals = z.infer<typeof TokenTotalsSchema>;

export const StatsTotalsSchema = z.object({
  agents: count,
  /** Agents marked public (visitors reach them while they are active and the profile is public). */
  public_agents: count,
  documents: count,
  conversations: count,
  /** Every stored message, whatever its role. */
  messages: count,
  tokens: TokenTotalsSchema,
});
export type StatsTotals = z.infer<typeof StatsTotalsSchema>;

/** One UTC day: conversations started, messages created and total tokens of the messages created that day. */
export const StatsDaySchema = z.object({
  day: z.iso.date(),
  conversations: count,
  messages: count,
  tokens: count,
});
export type StatsDay = z.infer<typeof StatsDaySchema>;

export const StatsSchema = z.object({
  totals: StatsTotalsSchema,
  days: z.array(StatsDaySchema),
});
export type Stats = z.infer<typeof StatsSchema>;
