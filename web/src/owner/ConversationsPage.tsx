/**
 * The conversation CRM: every conversation with the owner's agents, filtered by agent, state
 * and dates (kept in the address, so back and reload keep them), paged, with totals, the
 * contact a visitor left, and an export of exactly what is filtered.
 */
import { A, useSearchParams } from "@solidjs/router";
import Download from "lucide-solid/icons/download";
import MessageCircle from "lucide-solid/icons/message-circle";
import X from "lucide-solid/icons/x";
import { For, Show, createResource, createSignal } from "solid-js";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { Field } from "../components/Field.tsx";
import { errorMessage } from "../lib/api.ts";
import { Badge } from "../ui/Badge.tsx";
import { Button, ButtonLink } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";
import { listAgents } from "./api/agents.ts";
import { downloadConversationExport, listConversations } from "./api/conversations.ts";
import type { ConversationFilter } from "./api/conversations.ts";
import { ContactCell } from "./components/ConversationContact.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { formatDate, formatDuration } from "./components/format.ts";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";
import { Pager } from "./components/Pager.tsx";

const PAGE = 20;
type Params = { agent?: string; state?: string; from?: string; to?: string; page?: string };

export default function ConversationsPage() {
  const [params, setParams] = useSearchParams<Params>();
  const [agents] = createResource(() => listAgents().then((l) => l.agents));
  const [exporting, setExporting] = createSignal(false);
  const [exportNote, setExportNote] = createSignal<string>();
  const [exportError, setExportError] = createSignal<string>();

  const page = () => Math.max(0, Number(params.page ?? 0) || 0);
  const filter = (): ConversationFilter => ({
    ...(params.agent ? { agent_id: params.agent } : {}),
    ...(params.state === "active"
      ? { is_active: "true" as const }
      : params.state === "ended"
        ? { is_active: "false" as const }
        : {}),
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  });
  const [list, { refetch }] = createResource(
    () => ({ ...filter(), limit: PAGE, offset: page() * PAGE }),
    (q) => listConversations(q),
  );
  const setFilter = (change: Partial<Params>) => setParams({ ...change, page: undefined });
  const filtered = () => Boolean(params.agent || params.state || params.from || params.to);

  const exportAs = async (format: "csv" | "json") => {
    setExporting(true);
    setExportError(undefined);
    setExportNote(undefined);
    try {
      const result = await downloadConversationExport(format, filter());
      setExportNote(
        result.truncated
          ? `Downloaded ${result.filename}; it was cut off at the export limit, so narrow the dates for the rest.`
          : `Downloaded ${result.filename}.`,
      );
    } catch (e) {
      setExportError(errorMessage(e));
    } finally {
      setExporting(false);
    }
  };

  return (
    <section class="stack">
      <PageHeader
        title="Conversations"
        description="Every conversation visitors had with your agents."
      >
        <Button icon={Download} disabled={exporting()} onClick={() => void exportAs("csv")}>
          Export CSV
        </Button>
        <Button icon={Download} disabled={exporting()} onClick={() => void exportAs("json")}>
          Export JSON
        </Button>
      </PageHeader>
      <div role="status" aria-live="polite" class="muted">
        {exportNote()}
      </div>
      <ErrorAlert message={exportError() && `Export failed: ${exportError()}`} />
      <form class="filters" aria-label="Filter conversations" onSubmit={(e) => e.preventDefault()}>
        <Field label="Agent">
          {(attrs) => (
            <select
              {...attrs}
              onChange={(e) => setFilter({ agent: e.currentTarget.value || undefined })}
            >
              <option value="" selected={!params.agent}>
                All agents
              </option>
              <For each={valueOf(agents) ?? []}>
                {(a) => (
                  <option value={a.id} selected={a.id === params.agent}>
                    {a.name}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
        <Field label="State">
          {(attrs) => (
            <select
              {...attrs}
              onChange={(e) => setFilter({ state: e.currentTarget.value || undefined })}
            >
              <option value="" selected={!params.state}>
                All
              </option>
              <option value="active" selected={params.state === "active"}>
                Active
              </option>
              <option value="ended" selected={params.state === "ended"}>
                Ended
              </option>
            </select>
          )}
        </Field>
        <Field label="From">
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={params.from ?? ""}
              max={params.to}
              onChange={(e) => setFilter({ from: e.currentTarget.value || undefined })}
            />
          )}
        </Field>
        <Field label="To" hint="Includes the whole day (UTC).">
          {(attrs) => (
            <input
              {...attrs}
              type="date"
              value={params.to ?? ""}
              min={params.from}
              onChange={(e) => setFilter({ to: e.currentTarget.value || undefined })}
            />
          )}
        </Field>
      </form>
      <Show when={filtered()}>
        <Button
          size="sm"
          variant="ghost"
          icon={X}
          onClick={() =>
            setParams({
              agent: undefined,
              state: undefined,
              from: undefined,
              to: undefined,
              page: undefined,
            })
          }
        >
          Clear filters
        </Button>
      </Show>
      <LoadError what="conversations" error={list.error} retry={refetch} />
      <Show
        when={valueOf(list)}
        fallback={
          <Show when={!list.error}>
            <p class="muted">Loading conversations…</p>
          </Show>
        }
      >
        {(data) => (
          <>
            <p class="muted" aria-live="polite">
              {data().total} conversation{data().total === 1 ? "" : "s"}
              {filtered() ? " match these filters" : " in all"}
            </p>
            <Show
              when={data().conversations.length}
              fallback={
                <Card class="empty">
                  <p>
                    {filtered()
                      ? "No conversation matches these filters."
                      : "No conversations yet. When visitors chat with a public agent, they appear here."}
                  </p>
                  {/* With filters, "Clear filters" above is the next action; without, trying an agent. */}
                  <Show when={!filtered()}>
                    <ButtonLink href="/dashboard/agents" variant="primary" icon={MessageCircle}>
                      Try an agent in its test chat
                    </ButtonLink>
                  </Show>
                </Card>
              }
            >
              <div class="table-wrap">
                <table class="stack-on-phone">
                  <caption class="visually-hidden">Conversations</caption>
                  <thead>
                    <tr>
                      <th scope="col">Started</th>
                      <th scope="col">Agent</th>
                      <th scope="col">First message</th>
                      <th scope="col">Contact</th>
                      <th scope="col">Messages</th>
                      <th scope="col">Duration</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={data().conversations}>
                      {(c) => (
                        <tr>
                          <td class="cell-title">
                            <A
                              href={`/dashboard/conversations/${c.id}`}
                              aria-label={`Open conversation started ${formatDate(c.started_at)}${c.agent_name ? ` with ${c.agent_name}` : ""}`}
                            >
                              {formatDate(c.started_at)}
                            </A>
                          </td>
                          <td data-label="Agent">
                            {c.agent_name ?? <span class="muted">(deleted agent)</span>}
                          </td>
                          <td data-label="First message">
                            <div class="clamp">{c.preview ?? <span class="muted">—</span>}</div>
                          </td>
                          <td data-label="Contact">
                            <ContactCell contact={c.contact} />
                          </td>
                          <td data-label="Messages">{c.message_count}</td>
                          <td data-label="Duration">{formatDuration(c.duration_ms)}</td>
                          <td data-label="State">
                            <Badge tone={c.is_active ? "success" : "neutral"}>
                              {c.is_active ? "active" : "ended"}
                            </Badge>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <Pager
                label="Conversation pages"
                offset={data().offset}
                shown={data().conversations.length}
                total={data().total}
                onPrevious={() => setParams({ page: page() > 1 ? String(page() - 1) : undefined })}
                onNext={() => setParams({ page: String(page() + 1) })}
              />
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
