/**
 * The owner's documents: filter by type, agent and status, search by name, page through;
 * each row shows type, status (a failure's reason), chunks, agents and date, with assign,
 * re-index and delete. A document no agent answers from carries a "No agent" warning with a
 * one-click fix. On an agent's Knowledge tab (`fixedAgent`) only that agent's documents show.
 * On a phone each row is a stacked card (owner-pages.css).
 */
import { For, Show, createEffect, createResource, createSignal, on, onCleanup } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";
import type { DocumentView } from "../../../../shared/api/documents.ts";
import { DOCUMENT_STATUSES } from "../../../../shared/documents.ts";
import type { DocumentStatus } from "../../../../shared/documents.ts";
import { Field } from "../../components/Field.tsx";
import { errorMessage } from "../../lib/api.ts";
import { Badge, type BadgeTone } from "../../ui/Badge.tsx";
import { Button } from "../../ui/Button.tsx";
import {
  deleteDocument,
  listDocuments,
  reindexDocument,
  setDocumentAgents,
} from "../api/documents.ts";
import type { DocumentFilter } from "../api/documents.ts";
import { AssignAgentsDialog } from "./AssignAgentsDialog.tsx";
import { ConfirmDialog } from "./ConfirmDialog.tsx";
import { DOCUMENT_TYPES, formatBytes, formatDate, typeLabel } from "./format.ts";
import { valueOf } from "./resource.ts";
import { ActionStatus, LoadError } from "./LoadError.tsx";
import { Pager } from "./Pager.tsx";
import "../owner-pages.css";

const PAGE = 25;
const STATUS_TONE: Record<DocumentStatus, BadgeTone> = {
  completed: "success",
  failed: "danger",
  processing: "info",
  pending: "neutral",
};

export function DocumentTable(props: {
  agents: Agent[];
  /** Only this agent's documents (its Knowledge tab): the agent filter is fixed. */
  fixedAgent?: Agent;
  /** Bumped by the page when something changed elsewhere (an upload was accepted or finished). */
  version: number;
  onReindexed: (
    doc: DocumentView,
    job: { job_id: string; document_id: string; websocket_url: string },
  ) => void;
}) {
  const [type, setType] = createSignal("");
  const [agentId, setAgentId] = createSignal("");
  const [status, setStatus] = createSignal<DocumentStatus | "">("");
  const [search, setSearch] = createSignal("");
  const [debounced, setDebounced] = createSignal("");
  const [offset, setOffset] = createSignal(0);
  const [assigning, setAssigning] = createSignal<DocumentView>();
  const [deleting, setDeleting] = createSignal<DocumentView>();
  const [notice, setNotice] = createSignal<string>();
  const [actionError, setActionError] = createSignal<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const filter = (): DocumentFilter & { v: number } => ({
    ...(type() ? { type: type() } : {}),
    ...(props.fixedAgent
      ? { agent_id: props.fixedAgent.id }
      : agentId()
        ? { agent_id: agentId() }
        : {}),
    ...(status() ? { status: status() as DocumentStatus } : {}),
    ...(debounced().trim() ? { search: debounced().trim() } : {}),
    limit: PAGE,
    offset: offset(),
    v: props.version,
  });
  const [docs, { refetch, mutate }] = createResource(filter, ({ v: _v, ...f }) => listDocuments(f));

  // A new filter starts at the first page.
  createEffect(on([type, agentId, status, debounced], () => setOffset(0), { defer: true }));

  // While something is being processed, look again now and then (rows move to completed/failed).
  createEffect(() => {
    const busy = valueOf(docs)?.documents.some(
      (d) => d.status === "pending" || d.status === "processing",
    );
    if (!busy) return;
    const t = setTimeout(() => void refetch(), 4000);
    onCleanup(() => clearTimeout(t));
  });

  const agentName = (id: string) =>
    props.agents.find((a) => a.id === id)?.name ?? "(deleted agent)";

  const replaceRow = (doc: DocumentView) => {
    const current = valueOf(docs);
    if (current)
      mutate({ ...current, documents: current.documents.map((d) => (d.id === doc.id ? doc : d)) });
  };

  /** The one-click fix for a document no agent answers from, when there is only one agent. */
  const assignTo = async (doc: DocumentView, agent: Agent) => {
    setActionError(undefined);
    try {
      replaceRow(await setDocumentAgents(doc.id, [agent.id]));
      setNotice(`"${doc.name}" is now used by ${agent.name}.`);
    } catch (e) {
      setActionError(`Could not assign "${doc.name}": ${errorMessage(e)}`);
    }
  };

  const reindex = async (doc: DocumentView) => {
    setActionError(undefined);
    try {
      const job = await reindexDocument(doc.id);
      replaceRow({ ...doc, status: "pending", error: null, job_id: job.job_id });
      props.onReindexed(doc, job);
      setNotice(`Re-indexing "${doc.name}".`);
    } catch (e) {
      setActionError(`Could not re-index "${doc.name}": ${errorMessage(e)}`);
    }
  };

  return (
    <section class="stack doc-section" aria-labelledby="documents-title">
      <h2 id="documents-title">
        {props.fixedAgent ? `Documents of ${props.fixedAgent.name}` : "Documents"}
      </h2>
      <div class="filters">
        <Field label="Search by name">
          {(attrs) => (
            <input
              {...attrs}
              type="search"
              value={search()}
              onInput={(e) => {
                setSearch(e.currentTarget.value);
                clearTimeout(timer);
                const value = e.currentTarget.value;
                timer = setTimeout(() => setDebounced(value), 250);
              }}
            />
          )}
        </Field>
        <Field label="Type">
          {(attrs) => (
            <select {...attrs} onChange={(e) => setType(e.currentTarget.value)}>
              <option value="">All types</option>
              <For each={DOCUMENT_TYPES}>
                {(t) => (
                  <option value={t.value} selected={t.value === type()}>
                    {t.label}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
        <Show when={!props.fixedAgent}>
          <Field label="Agent">
            {(attrs) => (
              <select {...attrs} onChange={(e) => setAgentId(e.currentTarget.value)}>
                <option value="">All agents</option>
                <For each={props.agents}>
                  {(a) => (
                    <option value={a.id} selected={a.id === agentId()}>
                      {a.name}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
        </Show>
        <Field label="Status">
          {(attrs) => (
            <select
              {...attrs}
              onChange={(e) => setStatus(e.currentTarget.value as DocumentStatus | "")}
            >
              <option value="">All statuses</option>
              <For each={DOCUMENT_STATUSES}>
                {(s) => (
                  <option value={s} selected={s === status()}>
                    {s}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
      </div>
      <ActionStatus notice={notice()} error={actionError()} />
      <LoadError what="documents" error={docs.error} retry={refetch} />
      <Show
        when={valueOf(docs)}
        fallback={
          <Show when={!docs.error}>
            <p class="muted">Loading documents…</p>
          </Show>
        }
      >
        {(page) => (
          <Show
            when={page().documents.length}
            fallback={
              <p class="card empty">
                {filter().search || filter().type || agentId() || filter().status
                  ? "No document matches these filters."
                  : props.fixedAgent
                    ? `${props.fixedAgent.name} has no documents yet: add a file, a URL or text above, and it answers from them.`
                    : "No documents yet: add files, a URL or text above."}
              </p>
            }
          >
            <div class="table-wrap stack-on-phone">
              <table class="doc-table">
                <caption class="visually-hidden">Documents, {page().total} in all</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Chunks</th>
                    <th scope="col">Agents</th>
                    <th scope="col">Added</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={page().documents}>
                    {(doc) => (
                      <tr>
                        <th scope="row" class="doc-name">
                          {doc.name}
                          <div class="small muted">
                            {formatBytes(doc.size_bytes)}
                            <Show when={doc.source_url}>
                              {(u) => (
                                <>
                                  {" · "}
                                  <a href={u()} rel="noopener nofollow" target="_blank">
                                    source
                                  </a>
                                </>
                              )}
                            </Show>
                          </div>
                        </th>
                        <td data-label="Type">{typeLabel(doc.content_type)}</td>
                        <td data-label="Status">
                          <Badge tone={STATUS_TONE[doc.status]}>{doc.status}</Badge>
                          <Show when={doc.status === "failed" && doc.error}>
                            <div class="error small">{doc.error}</div>
                          </Show>
                        </td>
                        <td data-label="Chunks">{doc.chunk_count}</td>
                        <td data-label="Agents">
                          <Show
                            when={doc.agent_ids.length}
                            fallback={
                              <div class="unassigned">
                                <Badge
                                  tone="warning"
                                  title="No agent answers from this document until you assign it."
                                >
                                  No agent
                                </Badge>
                                <Show
                                  when={props.agents.length === 1 && props.agents[0]}
                                  fallback={
                                    <Show when={props.agents.length > 1}>
                                      <Button
                                        size="sm"
                                        onClick={() => setAssigning(doc)}
                                        aria-label={`Choose agents for ${doc.name}`}
                                      >
                                        Choose agents
                                      </Button>
                                    </Show>
                                  }
                                >
                                  {(only) => (
                                    <Button
                                      size="sm"
                                      variant="primary"
                                      onClick={() => void assignTo(doc, only())}
                                      aria-label={`Assign to ${only().name}: ${doc.name}`}
                                    >
                                      Assign to {only().name}
                                    </Button>
                                  )}
                                </Show>
                              </div>
                            }
                          >
                            {doc.agent_ids.map(agentName).join(", ")}
                          </Show>
                        </td>
                        <td data-label="Added">{formatDate(doc.created_at)}</td>
                        <td class="row-actions">
                          <div class="row">
                            <Button
                              size="sm"
                              onClick={() => setAssigning(doc)}
                              aria-label={`Assign agents to ${doc.name}`}
                            >
                              Agents
                            </Button>
                            <Button
                              size="sm"
                              onClick={() => void reindex(doc)}
                              aria-label={`Re-index ${doc.name}`}
                            >
                              Re-index
                            </Button>
                            <Button
                              size="sm"
                              variant="danger"
                              onClick={() => setDeleting(doc)}
                              aria-label={`Delete ${doc.name}`}
                            >
                              Delete
                            </Button>
                          </div>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Pager
              label="Document pages"
              offset={page().offset}
              shown={page().documents.length}
              total={page().total}
              onPrevious={() => setOffset(Math.max(0, offset() - PAGE))}
              onNext={() => setOffset(offset() + PAGE)}
            />
          </Show>
        )}
      </Show>
      <Show when={assigning()}>
        {(doc) => (
          <AssignAgentsDialog
            document={doc()}
            agents={props.agents}
            onSaved={(d) => {
              replaceRow(d);
              setNotice(`Agents of "${d.name}" saved.`);
            }}
            onClose={() => setAssigning(undefined)}
          />
        )}
      </Show>
      <Show when={deleting()}>
        {(doc) => (
          <ConfirmDialog
            title={`Delete “${doc().name}”?`}
            confirmLabel="Delete document"
            danger
            onClose={() => setDeleting(undefined)}
            onConfirm={async () => {
              const result = await deleteDocument(doc().id);
              setNotice(`Deleted "${doc().name}" (${result.chunks_deleted} chunks).`);
              await refetch();
            }}
          >
            <p>
              Its chunks are removed from every agent's knowledge and the stored file is deleted.
              This cannot be undone.
            </p>
          </ConfirmDialog>
        )}
      </Show>
    </section>
  );
}
