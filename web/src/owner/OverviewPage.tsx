/** The dashboard's front page: how much there is, and how busy the last 30 days were. */
import { A } from "@solidjs/router";
import { Show, createResource } from "solid-js";
import { conversationsPerDay, overviewStats } from "./api/stats.ts";
import { ConversationsChart } from "./components/ConversationsChart.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";

export default function OverviewPage() {
  const [stats, { refetch: refetchStats }] = createResource(overviewStats);
  const [days, { refetch: refetchDays }] = createResource(() => conversationsPerDay(30));

  const stat = (label: string, value: () => number | undefined, href: string, suffix = () => "") => (
    <A class="card stat" href={href}>
      <div class="stat-value">
        {value() === undefined ? "…" : value()?.toLocaleString()}
        {suffix()}
      </div>
      <div class="stat-label">{label}</div>
    </A>
  );

  return (
    <section class="stack">
      <PageHeader title="Overview">
        <button
          type="button"
          onClick={() => {
            void refetchStats();
            void refetchDays();
          }}
        >
          Refresh
        </button>
      </PageHeader>
      <LoadError what="the numbers" error={stats.error} />
      <div class="grid-4" aria-busy={stats.loading}>
        {stat("Agents", () => valueOf(stats)?.agents, "/dashboard/agents")}
        {stat("Documents", () => valueOf(stats)?.documents, "/dashboard/knowledge")}
        {stat("Conversations", () => valueOf(stats)?.conversations, "/dashboard/conversations")}
        {stat("Messages", () => valueOf(stats)?.messages, "/dashboard/conversations", () => (valueOf(stats)?.messagesExact === false ? "+" : ""))}
      </div>
      <section class="card" aria-labelledby="per-day-title">
        <h2 id="per-day-title">Conversations per day, last 30 days</h2>
        <LoadError what="the chart" error={days.error} />
        <Show when={valueOf(days)} fallback={<Show when={!days.error}><p class="muted">Loading…</p></Show>}>
          {(list) => <ConversationsChart days={list()} />}
        </Show>
      </section>
      <Show when={valueOf(stats)?.agents === 0}>
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
