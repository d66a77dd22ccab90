/**
 * The owner's usage figures, aggregated in Postgres: one query for the totals and one for the
 * per-day series (a generate_series of UTC days left-joined with the day's counts). Every
 * table is filtered by the tenant id, which comes first as everywhere else.
 *
 * Messages are reached through their conversation (`conversations (owner_id, ...)` and then
 * `messages (conversation_id, seq)`), the two indexes these tables have, rather than by a
 * scan of all messages for their owner_id.
 */
import type { Sql } from "postgres";
import type { StatsDay, StatsTotals } from "../../shared/api/stats.ts";

const DAY_MS = 86_400_000;

type UsageKey = "prompt_tokens" | "completion_tokens" | "total_tokens";

/**
 * One `usage` figure of a message's metadata, 0 when absent or not a number. Metadata is
 * validated before it is stored; the type check keeps one odd row from failing the sum.
 */
const usage = (sql: Sql, key: UsageKey) => sql`
  case when m.role = 'assistant' and jsonb_typeof(m.metadata -> 'usage' -> ${key}::text) = 'number'
    then (m.metadata -> 'usage' ->> ${key}::text)::numeric else 0 end`;

/** The UTC days `YYYY-MM-DD` of the window: `days` of them, ending with the day of `now`. */
export function dayWindow(
  days: number,
  now: Date,
): { first: string; last: string; from: Date; to: Date } {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = new Date(today - (days - 1) * DAY_MS);
  const to = new Date(today + DAY_MS);
  return {
    first: from.toISOString().slice(0, 10),
    last: new Date(today).toISOString().slice(0, 10),
    from,
    to,
  };
}

/** Everything the tenant has: agents, documents, conversations, messages and the tokens of its answers. */
export async function usageTotals(sql: Sql, tenantId: string): Promise<StatsTotals> {
  const [row] = await sql<
    {
      agents: number;
      public_agents: number;
      documents: number;
      conversations: number;
      messages: number;
      prompt: number;
      completion: number;
      total: number;
    }[]
  >`
    select
      (select count(*)::int from agents where owner_id = ${tenantId}) as agents,
      (select count(*)::int from agents where owner_id = ${tenantId} and is_public) as public_agents,
      (select count(*)::int from documents where owner_id = ${tenantId}) as documents,
      (select count(*)::int from conversations where owner_id = ${tenantId}) as conversations,
      m.messages, m.prompt, m.completion, m.total
    from (
      select count(*)::int as messages,
        coalesce(sum(${usage(sql, "prompt_tokens")}), 0)::float8 as prompt,
        coalesce(sum(${usage(sql, "completion_tokens")}), 0)::float8 as completion,
        coalesce(sum(${usage(sql, "total_tokens")}), 0)::float8 as total
      from conversations c join messages m on m.conversation_id = c.id
      where c.owner_id = ${tenantId} and m.owner_id = ${tenantId}
    ) m`;
  if (!row) throw new Error("the totals query returned no row");
  const { prompt, completion, total, ...counts } = row;
  return { ...counts, tokens: { prompt, completion, total } };
}

/**
 * The last `days` UTC days ending with today (by `now`), oldest first, each present even when
 * nothing happened: conversations started, messages created and their total tokens.
 */
export async function usagePerDay(
  sql: Sql,
  tenantId: string,
  days: number,
  now = new Date(),
): Promise<StatsDay[]> {
  const w = dayWindow(days, now);
  const rows = await sql<StatsDay[]>`
    with span as (
      select d::date as day from generate_series(${w.first}::timestamp, ${w.last}::timestamp, interval '1 day') d
    ),
    started as (
      select (c.started_at at time zone 'UTC')::date as day, count(*)::int as n
      from conversations c
      where c.owner_id = ${tenantId} and c.started_at >= ${w.from} and c.started_at < ${w.to}
      group by 1
    ),
    created as (
      select (m.created_at at time zone 'UTC')::date as day, count(*)::int as n,
        coalesce(sum(${usage(sql, "total_tokens")}), 0)::float8 as tokens
      from conversations c join messages m on m.conversation_id = c.id
      where c.owner_id = ${tenantId} and m.owner_id = ${tenantId} and m.created_at >= ${w.from} and m.created_at < ${w.to}
      group by 1
    )
    select to_char(span.day, 'YYYY-MM-DD') as day,
      coalesce(started.n, 0) as conversations,
      coalesce(created.n, 0) as messages,
      coalesce(created.tokens, 0) as tokens
    from span left join started using (day) left join created using (day)
    order by span.day`;
  return rows.map((r) => ({
    day: r.day,
    conversations: r.conversations,
    messages: r.messages,
    tokens: r.tokens,
  }));
}
