/**
 * The dashboard's front page. While the first-run checklist is incomplete it leads the page
 * (with the progress the API shows); then how much there is, the tokens answers used, and how
 * busy the last 30 days were. Zero totals and an empty chart never lead: the token card waits
 * for the first answer and the chart for the first conversation, each with one next action.
 */
import { A } from "@solidjs/router";
import { Show, createResource } from "solid-js";
import type { JSX } from "solid-js";
import { listAgents } from "./api/agents.ts";
import { listDocuments } from "./api/documents.ts";
import { getProfile } from "./api/profile.ts";
import { conversationsPerDay, usageStats } from "./api/stats.ts";
import { ButtonLink } from "../ui/Button.tsx";
import {
  OnboardingChecklist,
  focusAgent,
  onboardingSteps,
  type OnboardingState,
} from "./components/OnboardingChecklist.tsx";
import { hasShared } from "./components/share-progress.ts";
import "./owner-pages.css";
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

/** What the checklist needs, beside the stats: agents, the newest completed documents, the profile. */
async function loadProgress(): Promise<Omit<OnboardingState, "conversations" | "shared">> {
  const [agents, completed, profile] = await Promise.all([
    listAgents(),
    listDocuments({ status: "completed", limit: 100 }),
    getProfile(),
  ]);
  return { agents: agents.agents, completed: completed.documents, profile };
}

export default function OverviewPage() {
  const [stats, { refetch: refetchStats }] = createResource(() => usageStats(DAYS));
  const [progress, { refetch: refetchProgress }] = createResource(loadProgress);
  const refetch = () => {
    void refetchStats();
    void refetchProgress();
  };
  const onboarding = (): OnboardingState | undefined => {
    const p = valueOf(progress);
    const s = valueOf(stats);
    return p && s
      ? { ...p, conversations: s.totals.conversations, shared: hasShared() }
      : undefined;
  };
  const incomplete = () => {
    const o = onboarding();
    return o ? onboardingSteps(o).some((step) => !step.done) : false;
  };
  const recentConversations = () =>
    valueOf(stats)?.days.reduce((n, d) => n + d.conversations, 0) ?? 0;
  const tryHref = () => {
    const a = focusAgent(valueOf(progress)?.agents ?? []);
    return a ? `/dashboard/agents/${a.id}` : "/dashboard/agents/new";
  };
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
    <section class="stack owner-page" aria-busy={stats.loading || progress.loading}>
      <PageHeader title="Overview">
        <button type="button" onClick={() => refetch()}>
          Refresh
        </button>
      </PageHeader>
      <LoadError what="the numbers" error={stats.error} retry={refetch} />
      <LoadError what="your progress" error={progress.error} retry={refetch} />
      <Show when={incomplete() && onboarding()}>
        {(state) => <OnboardingChecklist state={state()} onChanged={refetch} />}
      </Show>
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
      <Show when={(totals()?.tokens.total ?? 0) > 0}>
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
      </Show>
      {/* Until the first conversation the checklist's "Try it" step says what this card would. */}
      <Show when={!(incomplete() && totals()?.conversations === 0)}>
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
            {(s) => (
              <Show
                when={recentConversations() > 0}
                fallback={
                  <div class="empty-state">
                    <p class="muted">
                      No conversations in the last {DAYS} days. Ask your agent something in its test
                      chat, or share your page: every conversation shows up here.
                    </p>
                    <ButtonLink href={tryHref()} size="sm">
                      {totals()?.agents ? "Open the test chat" : "Create an agent"}
                    </ButtonLink>
                  </div>
                }
              >
                <ConversationsChart days={conversationsPerDay(s())} />
              </Show>
            )}
          </Show>
        </section>
      </Show>
    </section>
  );
}
