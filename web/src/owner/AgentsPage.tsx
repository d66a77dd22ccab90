/**
 * The owner's agents: search, create, edit, duplicate, delete (with confirmation). With no
 * agent yet the page is the template gallery: each template opens the create form filled in.
 */
import Plus from "lucide-solid/icons/plus";
import { A } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import type { Agent } from "../../../shared/api/agents.ts";
import { Field } from "../components/Field.tsx";
import { errorMessage } from "../lib/api.ts";
import { AgentIcon } from "../ui/AgentIcon.tsx";
import { Badge } from "../ui/Badge.tsx";
import { Button, ButtonLink } from "../ui/Button.tsx";
import { deleteAgent, duplicateAgent, listAgents, listTemplates } from "./api/agents.ts";
import { ConfirmDialog } from "./components/ConfirmDialog.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import { formatDate } from "./components/format.ts";
import { ActionStatus, LoadError } from "./components/LoadError.tsx";
import "./owner-pages.css";

export default function AgentsPage() {
  const [search, setSearch] = createSignal("");
  const [debounced, setDebounced] = createSignal("");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const [agents, { refetch }] = createResource(debounced, (q) =>
    listAgents(q.trim() ? { search: q.trim() } : {}),
  );
  const [deleting, setDeleting] = createSignal<Agent>();
  const [actionError, setActionError] = createSignal<string>();
  const [notice, setNotice] = createSignal<string>();

  const onSearch = (value: string) => {
    setSearch(value);
    clearTimeout(timer);
    timer = setTimeout(() => setDebounced(value), 250);
  };

  const duplicate = async (agent: Agent) => {
    setActionError(undefined);
    try {
      const copy = await duplicateAgent(agent.id);
      setNotice(`Duplicated "${agent.name}" as "${copy.name}" (private).`);
      await refetch();
    } catch (e) {
      setActionError(errorMessage(e));
    }
  };

  return (
    <section aria-labelledby="agents-title" class="owner-page">
      <PageHeader
        title="Agents"
        description="Each agent answers from the documents you give it, with its own prompt and model."
      >
        <ButtonLink variant="primary" icon={Plus} href="/dashboard/agents/new">
          Create agent
        </ButtonLink>
      </PageHeader>
      <h2 id="agents-title" class="visually-hidden">
        Your agents
      </h2>
      <div class="toolbar">
        <Field label="Search agents">
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              placeholder="Name or description"
              value={search()}
              onInput={(e) => onSearch(e.currentTarget.value)}
            />
          )}
        </Field>
      </div>
      <ActionStatus notice={notice()} error={actionError()} />
      <LoadError what="your agents" error={agents.error} retry={refetch} />
      <Show
        when={valueOf(agents)}
        fallback={
          <Show when={!agents.error}>
            <p class="muted">Loading agents…</p>
          </Show>
        }
      >
        {(list) => (
          <Show
            when={list().agents.length}
            fallback={
              <Show when={debounced().trim()} fallback={<TemplatePicks />}>
                <div class="card empty">
                  <p>No agent matches “{debounced()}”.</p>
                </div>
              </Show>
            }
          >
            <p class="muted">
              {list().total} agent{list().total === 1 ? "" : "s"}
            </p>
            <ul class="card-list" aria-label="Agents">
              <For each={list().agents}>
                {(agent) => (
                  <li class="card agent-card">
                    <div class="agent-card-head">
                      <AgentIcon name={agent.icon} size={40} />
                      <h3>
                        <A href={`/dashboard/agents/${agent.id}`}>{agent.name}</A>
                      </h3>
                      <Badge tone={agent.is_public ? "success" : "neutral"}>
                        {agent.is_public ? "Public" : "Private"}
                      </Badge>
                      <Show when={!agent.is_active}>
                        <Badge tone="warning">Paused</Badge>
                      </Show>
                    </div>
                    <p class="muted clamp">{agent.description ?? "No description."}</p>
                    <p class="small muted">
                      {agent.execution_config.model} · {agent.query_config.mode} · updated{" "}
                      {formatDate(agent.updated_at)}
                    </p>
                    <div class="row">
                      <ButtonLink
                        size="sm"
                        href={`/dashboard/agents/${agent.id}`}
                        label={`Edit ${agent.name}`}
                      >
                        Edit
                      </ButtonLink>
                      <ButtonLink
                        size="sm"
                        href={`/dashboard/agents/${agent.id}?tab=knowledge`}
                        label={`Knowledge of ${agent.name}`}
                      >
                        Knowledge
                      </ButtonLink>
                      <Button
                        size="sm"
                        onClick={() => void duplicate(agent)}
                        aria-label={`Duplicate ${agent.name}`}
                      >
                        Duplicate
                      </Button>
                      <Button
                        size="sm"
                        variant="danger"
                        onClick={() => setDeleting(agent)}
                        aria-label={`Delete ${agent.name}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
      <Show when={deleting()}>
        {(agent) => (
          <ConfirmDialog
            title={`Delete “${agent().name}”?`}
            confirmLabel="Delete agent"
            danger
            onClose={() => setDeleting(undefined)}
            onConfirm={async () => {
              await deleteAgent(agent().id);
              setNotice(`Deleted "${agent().name}".`);
              await refetch();
            }}
          >
            <p>
              The agent stops answering at once and leaves your public page. Its past conversations
              stay in the CRM, unlinked. This cannot be undone.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}

/** The empty page: the templates to start from, each one click from a filled-in create form. */
function TemplatePicks() {
  const [templates] = createResource(listTemplates);
  return (
    <section class="stack" aria-labelledby="start-title">
      <div class="card empty">
        <h2 id="start-title">Create your first agent</h2>
        <p class="muted">
          An agent answers your visitors from the documents you give it. Start from one of these, or
          from scratch; you can change everything later.
        </p>
      </div>
      <LoadError what="the templates" error={templates.error} />
      <ul class="gallery-grid" aria-label="Templates">
        <For each={valueOf(templates) ?? []}>
          {(t) => (
            <li class="card template-card">
              <div class="template-head">
                <AgentIcon name={t.icon} size={40} />
                <h3 class="template-name">
                  <A href={`/dashboard/agents/new?template=${encodeURIComponent(t.id)}`}>
                    {t.name}
                  </A>
                </h3>
              </div>
              <p class="small">{t.description}</p>
              <Show when={t.sample_questions.length}>
                <p class="small muted sample-title">Visitors might ask:</p>
                <ul class="samples small">
                  <For each={t.sample_questions}>{(q) => <li>“{q}”</li>}</For>
                </ul>
              </Show>
            </li>
          )}
        </For>
        <li class="card template-card">
          <div class="template-head">
            <AgentIcon name="sparkles" size={40} />
            <h3 class="template-name">
              <A href="/dashboard/agents/new">Start from scratch</A>
            </h3>
          </div>
          <p class="small">A blank agent with the default settings and your own prompt.</p>
        </li>
      </ul>
    </section>
  );
}
