/**
 * Create an agent (from a template or custom) or edit one: every setting, the server's ranges
 * and field errors; duplicate, delete, and try it in a private test chat.
 */
import { useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { Show, createResource, createSignal, lazy, untrack } from "solid-js";
import type { Agent } from "../../../shared/api/agents.ts";
import { errorMessage } from "../lib/api.ts";
import {
  createAgent,
  deleteAgent,
  duplicateAgent,
  getAgent,
  listModels,
  listTemplates,
  updateAgent,
} from "./api/agents.ts";
import { AgentForm } from "./components/AgentForm.tsx";
import { ConfirmDialog } from "./components/ConfirmDialog.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { valueOf } from "./components/resource.ts";
import {
  createBody,
  emptyValues,
  updateBody,
  valuesFromAgent,
  valuesFromTemplate,
} from "./components/agent-form-values.ts";
import { LoadError } from "./components/LoadError.tsx";
import { ErrorAlert } from "../components/ErrorAlert.tsx";

/** The chat panel of the public page, reused with the owner's token (loaded when opened). */
const ChatPanel = lazy(() =>
  import("../chat/ChatPanel.tsx").then((m) => ({ default: m.ChatPanel })),
);

export default function AgentEditorPage() {
  const params = useParams<{ id?: string }>();
  const [search] = useSearchParams<{ template?: string }>();
  const navigate = useNavigate();
  const isNew = () => !params.id;

  const [catalog] = createResource(listModels);
  const models = () => valueOf(catalog)?.models;
  const [templates] = createResource(listTemplates);
  const [agent, { mutate }] = createResource(() => params.id, getAgent);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  const [testing, setTesting] = createSignal(false);
  const [actionError, setActionError] = createSignal<string>();

  const ready = () => models() && valueOf(templates) && (isNew() || valueOf(agent));
  const loadError = () => catalog.error ?? templates.error ?? agent.error;

  const initialForNew = () => {
    const template = valueOf(templates)?.find((t) => t.id === search.template);
    return template ? valuesFromTemplate(template) : emptyValues(valueOf(catalog)?.default_model);
  };

  return (
    <section>
      <Show
        when={isNew()}
        fallback={
          <PageHeader
            title={valueOf(agent)?.name ?? "Agent"}
            description="Every setting of this agent. Changes apply to the next message."
          />
        }
      >
        <PageHeader
          title="Create agent"
          description="Start from a template or from scratch; you can change everything later."
        />
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
              onSubmit={async (values, templateId) => {
                const created = await createAgent(createBody(values, templateId));
                navigate(`/dashboard/agents/${created.id}`, { replace: true });
              }}
            />
          }
        >
          {(_id: string) => {
            // Keyed by id: a save (same id) keeps the form; another agent gets a fresh one.
            const current = untrack(() => valueOf(agent)) as Agent;
            return (
              <AgentForm
                mode="edit"
                initial={valuesFromAgent(current)}
                models={models() ?? []}
                templatePrompt={
                  valueOf(templates)?.find((t) => t.id === current.template_id)?.system_prompt ??
                  null
                }
                onSubmit={async (values) => {
                  mutate(await updateAgent(current.id, updateBody(values)));
                }}
                actions={
                  <>
                    <span class="spacer" />
                    <button
                      type="button"
                      aria-expanded={testing()}
                      aria-controls="test-chat"
                      onClick={() => setTesting((t) => !t)}
                    >
                      {testing() ? "Close test chat" : "Test chat"}
                    </button>
                    <button
                      type="button"
                      onClick={async () => {
                        setActionError(undefined);
                        try {
                          const copy = await duplicateAgent(current.id);
                          navigate(`/dashboard/agents/${copy.id}`);
                        } catch (e) {
                          setActionError(errorMessage(e));
                        }
                      }}
                    >
                      Duplicate
                    </button>
                    <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
                      Delete
                    </button>
                  </>
                }
              />
            );
          }}
        </Show>
      </Show>
      <Show when={testing() && valueOf(agent)}>
        {(current) => (
          <div id="test-chat" class="stack test-chat">
            <p class="muted small">
              A private conversation with the saved settings
              {current().is_public ? "" : " (this agent is private: only you can reach it)"}. It is
              recorded in Conversations like any other.
              {current().is_active
                ? ""
                : " This agent is paused: make it active and save to chat with it."}
            </p>
            <ChatPanel
              agent={{ id: current().id, name: current().name, description: current().description }}
              ownerToken
              headingLevel={2}
            />
          </div>
        )}
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
