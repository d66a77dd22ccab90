/** The owner's agents: search, create, edit, duplicate, delete (with confirmation). */
import { A, useNavigate } from "@solidjs/router";
import { For, Show, createResource, createSignal } from "solid-js";
import type { Agent } from "../../../shared/api/agents.ts";
import { Field } from "../components/Field.tsx";
import { errorMessage } from "../lib/api.ts";
import { deleteAgent, duplicateAgent, listAgents } from "./api/agents.ts";
import { ConfirmDialog } from "./components/ConfirmDialog.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import { formatDate } from "./components/format.ts";
import { ActionStatus, LoadError } from "./components/LoadError.tsx";

export default function AgentsPage() {
  const navigate = useNavigate();
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
    <section aria-labelledby="agents-title">
      <PageHeader
        title="Agents"
        description="Each agent answers from the documents you give it, with its own prompt and model."
      >
        <A class="button primary" href="/dashboard/agents/new">
          Create agent
        </A>
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
              <div class="card empty">
                <Show
                  when={debounced().trim()}
                  fallback={
                    <p>You have no agents yet. Create one from a template or from scratch.</p>
                  }
                >
                  <p>No agent matches “{debounced()}”.</p>
                </Show>
              </div>
            }
          >
            <p class="muted">
              {list().total} agent{list().total === 1 ? "" : "s"}
            </p>
            <ul class="card-list" aria-label="Agents">
              <For each={list().agents}>
                {(agent) => (
                  <li class="card agent-card">
                    <div class="row">
                      <h3>
                        <A href={`/dashboard/agents/${agent.id}`}>{agent.name}</A>
                      </h3>
                      <span class={`badge ${agent.is_public ? "success" : ""}`}>
                        {agent.is_public ? "Public" : "Private"}
                      </span>
                      <Show when={!agent.is_active}>
                        <span class="badge warning">Paused</span>
                      </Show>
                    </div>
                    <p class="muted clamp">{agent.description ?? "No description."}</p>
                    <p class="small muted">
                      {agent.execution_config.model} · {agent.query_config.mode} · updated{" "}
                      {formatDate(agent.updated_at)}
                    </p>
                    <div class="row">
                      <button
                        type="button"
                        onClick={() => navigate(`/dashboard/agents/${agent.id}`)}
                        aria-label={`Edit ${agent.name}`}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        onClick={() => void duplicate(agent)}
                        aria-label={`Duplicate ${agent.name}`}
                      >
                        Duplicate
                      </button>
                      <button
                        type="button"
                        class="danger"
                        onClick={() => setDeleting(agent)}
                        aria-label={`Delete ${agent.name}`}
                      >
                        Delete
                      </button>
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
