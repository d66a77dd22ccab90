/**
 * Create an agent (from the template gallery or from scratch) or work on one: its settings and
 * its own knowledge in tabs (?tab=settings|knowledge), publish it, duplicate, delete, and try
 * it in a private test chat that sits beside the tabs on wide screens (sticky) and below them
 * on narrow ones, with a button that scrolls to it. A new agent opens on its Knowledge tab:
 * documents are what it answers from, so that is the next step.
 */
import MessageSquare from "lucide-solid/icons/message-square";
import { useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { Show, createResource, createSignal, lazy, onMount, untrack } from "solid-js";
import type { Agent } from "../../../shared/api/agents.ts";
import { errorMessage } from "../lib/api.ts";
import { Badge } from "../ui/Badge.tsx";
import { AgentIcon } from "../ui/AgentIcon.tsx";
import { Button } from "../ui/Button.tsx";
import { Tabs } from "../ui/Tabs.tsx";
import {
  createAgent,
  deleteAgent,
  duplicateAgent,
  getAgent,
  listAgents,
  listModels,
  listTemplates,
  updateAgent,
} from "./api/agents.ts";
import { getProfile } from "./api/profile.ts";
import { AgentForm } from "./components/AgentForm.tsx";
import { ConfirmDialog } from "./components/ConfirmDialog.tsx";
import { DocumentTable } from "./components/DocumentTable.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { ShareLink } from "./components/ShareLink.tsx";
import { UploadPanel } from "./components/UploadPanel.tsx";
import { createIngestTracker } from "./components/ingest-tracker.ts";
import { valueOf } from "./components/resource.ts";
import {
  createBody,
  emptyValues,
  updateBody,
  valuesFromAgent,
  valuesFromTemplate,
} from "./components/agent-form-values.ts";
import { LoadError } from "./components/LoadError.tsx";
import { McpServersPanel } from "./components/McpServersPanel.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import "./owner-pages.css";

/** The chat panel of the public page, reused with the owner's token (loaded when shown). */
const ChatPanel = lazy(() =>
  import("../chat/ChatPanel.tsx").then((m) => ({ default: m.ChatPanel })),
);

type EditorTab = "settings" | "knowledge";

export default function AgentEditorPage() {
  const params = useParams<{ id?: string }>();
  const [search, setSearch] = useSearchParams<{ template?: string; tab?: string }>();
  const navigate = useNavigate();
  const isNew = () => !params.id;

  const [catalog] = createResource(listModels);
  const models = () => valueOf(catalog)?.models;
  const [templates] = createResource(listTemplates);
  const [agent, { mutate }] = createResource(() => params.id, getAgent);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [actionError, setActionError] = createSignal<string>();
  const [publishing, setPublishing] = createSignal(false);

  const ready = () => models() && valueOf(templates) && (isNew() || valueOf(agent));
  const loadError = () => catalog.error ?? templates.error ?? agent.error;
  const templateOf = (id: string | null | undefined) =>
    id ? valueOf(templates)?.find((t) => t.id === id) : undefined;
  const tab = (): EditorTab => (search.tab === "knowledge" ? "knowledge" : "settings");

  const initialForNew = () => {
    const template = templateOf(search.template);
    return template ? valuesFromTemplate(template) : emptyValues(valueOf(catalog)?.default_model);
  };

  const togglePublic = async (current: Agent) => {
    setActionError(undefined);
    setPublishing(true);
    try {
      mutate(await updateAgent(current.id, { is_public: !current.is_public }));
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setPublishing(false);
    }
  };

  let aside: HTMLElement | undefined;

  return (
    <section class="owner-page agent-editor">
      <Show
        when={!isNew() && valueOf(agent)}
        fallback={
          <PageHeader
            title={isNew() ? "Create agent" : "Agent"}
            description={
              isNew()
                ? "Pick a starting point; you can change everything later."
                : "Every setting of this agent. Changes apply to the next message."
            }
          />
        }
      >
        {(current) => (
          <PageHeader title={current().name}>
            <Button
              variant="ghost"
              icon={MessageSquare}
              class="jump-to-chat"
              onClick={() => {
                aside?.scrollIntoView({ behavior: "smooth", block: "start" });
                aside
                  ?.querySelector<HTMLElement>("textarea, input")
                  ?.focus({ preventScroll: true });
              }}
            >
              Test chat
            </Button>
            <Button
              variant={current().is_public ? "secondary" : "primary"}
              disabled={publishing()}
              onClick={() => void togglePublic(current())}
            >
              {current().is_public ? "Make private" : "Publish"}
            </Button>
            <Button
              onClick={async () => {
                setActionError(undefined);
                try {
                  const copy = await duplicateAgent(current().id);
                  navigate(`/dashboard/agents/${copy.id}`);
                } catch (e) {
                  setActionError(errorMessage(e));
                }
              }}
            >
              Duplicate
            </Button>
            <Button variant="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </Button>
          </PageHeader>
        )}
      </Show>
      <Show when={!isNew() && valueOf(agent)}>
        {(current) => <AgentStatusLine agent={current()} />}
      </Show>
      <LoadError what="this agent" error={loadError()} />
      <ErrorAlert message={actionError()} />
      <Show
        when={ready()}
        fallback={
          <Show when={!loadError()}>
            <p class="muted">Loading…</p>
          </Show>
        }
      >
        <div class="editor-layout">
          <div class="editor-main">
            <Show
              when={!isNew() && valueOf(agent)?.id}
              keyed
              fallback={
                <AgentForm
                  mode="create"
                  initial={initialForNew()}
                  models={models() ?? []}
                  defaultModel={valueOf(catalog)?.default_model}
                  templates={valueOf(templates) ?? []}
                  {...(search.template ? { initialTemplateId: search.template } : {})}
                  mcp={
                    <p class="field-hint">MCP servers can be attached once the agent is created.</p>
                  }
                  onSubmit={async (values, templateId) => {
                    const body = createBody(
                      values,
                      templateId,
                      templateOf(templateId)?.system_prompt,
                    );
                    const created = await createAgent(body);
                    navigate(`/dashboard/agents/${created.id}?tab=knowledge`, { replace: true });
                  }}
                />
              }
            >
              {(_id: string) => {
                // Keyed by id: a save (same id) keeps the form; another agent gets a fresh one.
                const current = untrack(() => valueOf(agent)) as Agent;
                const templatePrompt = templateOf(current.template_id)?.system_prompt ?? null;
                return (
                  <Tabs
                    label={`${current.name}: sections`}
                    value={tab()}
                    onChange={(id) => setSearch({ tab: id === "settings" ? undefined : id })}
                    tabs={[
                      {
                        id: "settings",
                        label: "Settings",
                        content: () => (
                          <AgentForm
                            mode="edit"
                            initial={valuesFromAgent(current, templatePrompt)}
                            models={models() ?? []}
                            templatePrompt={templatePrompt}
                            mcp={<McpServersPanel agentId={current.id} />}
                            onSubmit={async (values) => {
                              mutate(
                                await updateAgent(current.id, updateBody(values, templatePrompt)),
                              );
                            }}
                          />
                        ),
                      },
                      {
                        id: "knowledge",
                        label: "Knowledge",
                        content: () => <AgentKnowledge agent={current} />,
                      },
                    ]}
                  />
                );
              }}
            </Show>
          </div>
          <aside
            ref={aside}
            id="test-chat"
            class="editor-aside"
            aria-label="Test chat"
            tabindex={-1}
          >
            <Show
              when={!isNew() && valueOf(agent)}
              fallback={
                <div class="card test-chat-placeholder">
                  <h2>Try it here</h2>
                  <p class="muted">
                    Once the agent is created, a private test chat opens in this place: ask it what
                    your visitors would ask before you publish it.
                  </p>
                </div>
              }
            >
              {(current) => (
                <div class="card stack test-chat">
                  <p class="muted small">
                    A private conversation with the saved settings
                    {current().is_public ? "" : " (only you can reach this agent)"}. It is recorded
                    in Conversations like any other.
                    {current().is_active
                      ? ""
                      : " This agent is paused: make it active and save to chat with it."}
                  </p>
                  <ChatPanel
                    agent={{
                      id: current().id,
                      name: current().name,
                      description: current().description,
                    }}
                    ownerToken
                    headingLevel={2}
                    {...(templateOf(current().template_id)?.sample_questions.length
                      ? { suggestions: templateOf(current().template_id)?.sample_questions }
                      : {})}
                  />
                </div>
              )}
            </Show>
          </aside>
        </div>
      </Show>
      <Show when={confirmDelete() && valueOf(agent)}>
        {(current) => (
          <ConfirmDialog
            title={`Delete “${current().name}”?`}
            confirmLabel="Delete agent"
            danger
            onClose={() => setConfirmDelete(false)}
            onConfirm={async () => {
              await deleteAgent(current().id);
              navigate("/dashboard/agents", { replace: true });
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

/** The agent's icon, whether visitors can reach it, and its public link once they can. */
function AgentStatusLine(props: { agent: Agent }) {
  const [profile] = createResource(getProfile);
  const url = () => {
    const p = valueOf(profile);
    return p ? `${location.origin}/${p.username}` : undefined;
  };
  return (
    <div class="agent-status card">
      <div class="row">
        <AgentIcon name={props.agent.icon} size={36} />
        <Show
          when={props.agent.is_public}
          fallback={<Badge tone="neutral">Private: only you can chat with it</Badge>}
        >
          <Badge tone="success">Public</Badge>
        </Show>
        <Show when={!props.agent.is_active}>
          <Badge tone="warning">Paused</Badge>
        </Show>
        <Show when={valueOf(profile) && !valueOf(profile)?.is_public}>
          <Badge tone="warning">Your page is hidden (Profile)</Badge>
        </Show>
      </div>
      <Show when={props.agent.is_public && url()}>
        {(u) => <ShareLink url={u()} label="Visitors chat with it on your page" />}
      </Show>
    </div>
  );
}

/** The agent's own documents: add files, a URL or text straight to it, and see them. */
function AgentKnowledge(props: { agent: Agent }) {
  const [agents] = createResource(() => listAgents().then((l) => l.agents));
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  const tracker = createIngestTracker({ onSettled: bump });
  onMount(() => tracker.restore());
  return (
    <div class="stack">
      <UploadPanel
        agents={valueOf(agents) ?? [props.agent]}
        fixedAgent={props.agent}
        tracker={tracker}
        onAccepted={bump}
      />
      <DocumentTable
        agents={valueOf(agents) ?? [props.agent]}
        fixedAgent={props.agent}
        version={version()}
        onReindexed={(doc, job) => {
          const key = tracker.begin(doc.name);
          tracker.track(key, {
            job_id: job.job_id,
            document_id: job.document_id,
            name: doc.name,
            websocket_url: job.websocket_url,
          });
        }}
      />
    </div>
  );
}
