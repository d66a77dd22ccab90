/** The dashboard's front page: how much there is, the tokens answers used, and how busy the last 30 days were. */
import { A } from "@solidjs/router";
import { Show, createResource } from "solid-js";
import type { JSX } from "solid-js";
import { conversationsPerDay, usageStats } from "./api/stats.ts";
import { ConversationsChart } from "./components/ConversationsChart.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";

const DAYS = 30;

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** A count short enough for a tile: exact up to 9,999, then "12.3K", "4.5M". */
function formatCount(n: number): string {
  return n < 10_000 ? n.toLocaleString() : compact.format(n);
}

export default function OverviewPage() {
  const [stats, { refetch }] = createResource(() => usageStats(DAYS));
  const totals = () => valueOf(stats)?.totals;
  const recentTokens = () => valueOf(stats)?.days.reduce((n, d) => n + d.tokens, 0);

  const figure = (value: number | undefined) => (value === undefined ? "…" : formatCount(value));
  /** The exact number under a shortened one, so "1.2M" never hides what it rounds. */
  const exact = (value: number | undefined, unit: string) => (
    <Show when={value !== undefined && formatCount(value) !== value.toLocaleString()}>
      <div class="muted small">
        {value?.toLocaleString()} {unit}
      </div>
    </Show>
  );

  const stat = (
    label: string,
    value: () => number | undefined,
    href: string,
    detail?: () => JSX.Element,
  ) => (
    <A class="card stat" href={href}>
      <div class="stat-value">{figure(value())}</div>
      <div class="stat-label">{label}</div>
      {detail?.()}
    </A>
  );

  const tokens = (label: string, value: () => number | undefined) => (
    <div class="stat">
      <div class="stat-value">{figure(value())}</div>
      <div class="stat-label">{label}</div>
      {exact(value(), "tokens")}
    </div>
  );

  return (
    <section class="stack">
      <PageHeader title="Overview">
        <button type="button" onClick={() => void refetch()}>
          Refresh
        </button>
      </PageHeader>
      <LoadError what="the numbers" error={stats.error} retry={refetch} />
      <div class="grid-4" aria-busy={stats.loading}>
        {stat(
          "Agents",
          () => totals()?.agents,
          "/dashboard/agents",
          () => (
            <Show when={totals()}>
              {(t) => <div class="muted small">{t().public_agents.toLocaleString()} public</div>}
            </Show>
          ),
        )}
        {stat("Documents", () => totals()?.documents, "/dashboard/knowledge")}
        {stat("Conversations", () => totals()?.conversations, "/dashboard/conversations")}
        {stat(
          "Messages",
          () => totals()?.messages,
          "/dashboard/conversations",
          () => exact(totals()?.messages, "messages"),
        )}
      </div>
      <section class="card stack" aria-labelledby="tokens-title" aria-busy={stats.loading}>
        <h2 id="tokens-title">Token usage</h2>
        <div class="grid-4">
          {tokens("Total tokens", () => totals()?.tokens.total)}
          {tokens("Prompt tokens", () => totals()?.tokens.prompt)}
          {tokens("Completion tokens", () => totals()?.tokens.completion)}
        </div>
        <p class="muted small">
          As reported by the models for your agents' answers, since the start.
          <Show when={recentTokens() !== undefined}>
            {" "}
            {recentTokens()?.toLocaleString()} of them in the last {DAYS} days.
          </Show>
        </p>
      </section>
      <section class="card" aria-labelledby="per-day-title">
        <h2 id="per-day-title">Conversations per day, last {DAYS} days</h2>
        <Show
          when={valueOf(stats)}
          fallback={
            <Show when={!stats.error}>
              <p class="muted">Loading…</p>
            </Show>
          }
        >
          {(s) => <ConversationsChart days={conversationsPerDay(s())} />}
        </Show>
      </section>
      <Show when={totals()?.agents === 0}>
        <section class="card">
          <h2>Get started</h2>
          <ol>
            <li>
              <A href="/dashboard/agents/new">Create an agent</A> from a template.
            </li>
            <li>
              <A href="/dashboard/knowledge">Upload documents</A> it should answer from.
            </li>
            <li>
              Make it public and share <A href="/dashboard/profile">your page</A>.
            </li>
          </ol>
        </section>
      </Show>
    </section>
  );
}
