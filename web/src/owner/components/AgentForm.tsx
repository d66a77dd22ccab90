/**
 * Every setting of an agent, with the server's ranges as hints and checks, and the server's
 * own field errors shown beside the input they name. Creating starts from a template gallery
 * (or from scratch): a choice fills in the name, icon and description and loads the template's
 * prompt as editable text. The few things every owner sets are on top, then how the agent
 * answers (simple, or advanced: a loop that calls tools, with its tools); sampling and
 * retrieval numbers are under "Advanced". The same form edits.
 */
import { For, Show, createSignal, createUniqueId, type JSX } from "solid-js";
import { Dynamic } from "solid-js/web";
import { createStore, reconcile } from "solid-js/store";
import type { AgentTemplate, Model } from "../../../../shared/api/agents.ts";
import {
  CONFIG_LIMITS,
  QUERY_MODES,
  SEARCH_MODES,
  SIMILARITY_THRESHOLD_MEANING,
} from "../../../../shared/config.ts";
import { Field } from "../../components/Field.tsx";
import { ApiError, errorMessage } from "../../lib/api.ts";
import { CheckField } from "./CheckField.tsx";
import { ExecutionModeField } from "./ExecutionModeField.tsx";
import { ToolsSection } from "./ToolsSection.tsx";
import {
  FIELD_PATHS,
  emptyValues,
  validateAgentForm,
  valuesFromTemplate,
} from "./agent-form-values.ts";
import type { AgentFormValues, FieldErrors, QueryMode, SearchMode } from "./agent-form-values.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { AGENT_ICONS, AgentIcon } from "../../ui/AgentIcon.tsx";
import { Button } from "../../ui/Button.tsx";
import "../owner-pages.css";

export interface AgentFormProps {
  mode: "create" | "edit";
  initial: AgentFormValues;
  models: Model[];
  /** The model a blank agent starts with (GET /models' default_model). */
  defaultModel?: string | undefined;
  /** Create mode: the templates to start from. */
  templates?: AgentTemplate[];
  /** Create mode: the template chosen first (from ?template=). */
  initialTemplateId?: string;
  /** Edit mode: the agent's template's prompt (what "Use the template's prompt" restores). */
  templatePrompt?: string | null;
  /** Saves; an ApiError's field errors are shown beside their inputs. */
  onSubmit: (values: AgentFormValues, templateId: string | undefined) => Promise<void>;
  /** Extra buttons beside Save. */
  actions?: JSX.Element;
  /** Advanced mode's MCP servers panel (it needs a saved agent). */
  mcp?: JSX.Element;
}

const MODE_LABELS: Record<QueryMode, string> = {
  simple: "Simple: the model answers alone, no documents",
  rag: "RAG: answer from the agent's documents",
  advanced: "Rewritten: the question is rewritten for search first (hybrid search)",
};
const SEARCH_LABELS: Record<SearchMode, string> = {
  dense: "Dense (meaning)",
  fulltext: "Full text (words)",
  hybrid: "Hybrid (both)",
};

const ADVANCED_KEYS: (keyof AgentFormValues)[] = [
  "temperature",
  "max_tokens",
  "history_window",
  "top_p",
  "mode",
  "search_mode",
  "top_k",
  "similarity_threshold",
  "chunk_size",
  "chunk_overlap",
];

const range = (r: { min: number; max: number; default: number }, unit = "") =>
  `${r.min} to ${r.max}${unit}, default ${r.default}`;

/** Chunks are counted in tokens (workers/ingestion/chunk.ts), not characters: say what a token is and when a change applies. */
const CHUNK_SIZE_HINT =
  `Tokens per passage (a token is about ¾ of an English word, roughly 4 characters): ${range(CONFIG_LIMITS.chunkSize)}. ` +
  "Used for documents uploaded to this agent; re-index a document to apply a change. A document shared by several agents uses the smallest chunk size.";
const CHUNK_OVERLAP_HINT = `Tokens each passage repeats from the end of the one before: ${range(CONFIG_LIMITS.chunkOverlap)}; smaller than the chunk size.`;

export function AgentForm(props: AgentFormProps) {
  // The form keeps its own copy: the parent's `initial` is where it starts.
  const [values, setValues] = createStore<AgentFormValues>({ ...props.initial });
  const [errors, setErrors] = createSignal<FieldErrors>({});
  const [formError, setFormError] = createSignal<string>();
  const [saved, setSaved] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [templateId, setTemplateId] = createSignal<string>(props.initialTemplateId ?? "");
  let form: HTMLFormElement | undefined;

  const chosenTemplate = () => props.templates?.find((t) => t.id === templateId());
  const err = (key: keyof AgentFormValues) => errors()[FIELD_PATHS[key]];
  /** The first error at `path` or under it (a list's item: `...allowed_domains.2`). */
  const errAt = (path: string) =>
    Object.entries(errors()).find(([f, m]) => m && (f === path || f.startsWith(`${path}.`)))?.[1];
  const set = <K extends keyof AgentFormValues>(key: K, value: AgentFormValues[K]) => {
    setValues(key, value as never);
    setSaved(false);
    if (errors()[FIELD_PATHS[key]]) {
      setErrors((e) => ({ ...e, [FIELD_PATHS[key]]: undefined }));
      if (!Object.values(errors()).some(Boolean)) setFormError(undefined);
    }
  };

  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    const template = props.templates?.find((t) => t.id === id);
    const keep = { is_public: values.is_public, is_active: values.is_active };
    setValues(
      reconcile(
        template
          ? valuesFromTemplate(template, keep)
          : { ...emptyValues(props.defaultModel), ...keep },
      ),
    );
    setErrors({});
  };
  /** The prompt the agent follows when its own is left as is: the chosen or stored template's. */
  const basePrompt = () => chosenTemplate()?.system_prompt ?? props.templatePrompt ?? null;

  /** The settings under "Advanced": it opens by itself when one of them is wrong. */
  const hasAdvancedError = () => ADVANCED_KEYS.some((key) => Boolean(errors()[FIELD_PATHS[key]]));

  const focusFirstError = () => {
    queueMicrotask(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  };

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setFormError(undefined);
    setSaved(false);
    const found = validateAgentForm(values);
    setErrors(found);
    if (Object.keys(found).length) {
      setFormError("Some settings need fixing: see the highlighted fields.");
      focusFirstError();
      return;
    }
    setBusy(true);
    try {
      await props.onSubmit({ ...values }, templateId() || undefined);
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError && e.fields.length) {
        const known = new Set<string>(Object.values(FIELD_PATHS));
        const placed: FieldErrors = {};
        const elsewhere: string[] = [];
        for (const f of e.fields) {
          if (known.has(f.field) || f.field.startsWith(`${FIELD_PATHS.tools}.`))
            placed[f.field] = f.message;
          else elsewhere.push(`${f.field}: ${f.message}`);
        }
        setErrors(placed);
        setFormError(elsewhere.length ? `${e.message} (${elsewhere.join("; ")})` : e.message);
        focusFirstError();
      } else {
        setFormError(errorMessage(e));
      }
    } finally {
      setBusy(false);
    }
  };

  const numberInput =
    (key: keyof AgentFormValues, r: { min: number; max: number }, step: string) =>
    (attrs: { id: string; "aria-invalid": boolean; "aria-describedby": string | undefined }) => (
      <input
        {...attrs}
        type="number"
        inputmode="decimal"
        min={r.min}
        max={r.max}
        step={step}
        value={String(values[key])}
        onInput={(e) => set(key, e.currentTarget.value as never)}
      />
    );

  const models = () => {
    const list = props.models.map((m) => ({ id: m.id, label: `${m.label} (${m.provider})` }));
    if (values.model && !list.some((m) => m.id === values.model))
      list.unshift({ id: values.model, label: `${values.model} (not available on this server)` });
    return list;
  };

  return (
    <form
      ref={form}
      class="agent-form stack"
      novalidate
      onSubmit={submit}
      aria-label={props.mode === "create" ? "New agent" : "Agent settings"}
    >
      <Show when={props.mode === "create" && props.templates}>
        {(templates) => (
          <fieldset class="template-gallery">
            <legend>Start from</legend>
            <p class="field-hint">
              A template fills in the name, the prompt and sensible settings; you can change all of
              them below.
            </p>
            <div class="gallery-grid">
              <For each={templates()}>
                {(t) => (
                  <TemplateCard
                    id={t.id}
                    name={t.name}
                    icon={t.icon}
                    description={t.description}
                    samples={t.sample_questions}
                    checked={templateId() === t.id}
                    onChoose={() => chooseTemplate(t.id)}
                  />
                )}
              </For>
              <TemplateCard
                id=""
                name="Start from scratch"
                icon="sparkles"
                description="A blank agent with the default settings and your own prompt."
                samples={[]}
                checked={templateId() === ""}
                onChoose={() => chooseTemplate("")}
              />
            </div>
          </fieldset>
        )}
      </Show>

      <fieldset class="card">
        <legend>Basics</legend>
        <Field label="Name" error={err("name")}>
          {(attrs) => (
            <input
              {...attrs}
              name="name"
              required
              maxlength={100}
              value={values.name}
              onInput={(e) => set("name", e.currentTarget.value)}
            />
          )}
        </Field>
        <IconPicker value={values.icon} onChange={(v) => set("icon", v)} />
        <Field
          label="Description"
          hint="Shown to visitors on your public page."
          error={err("description")}
        >
          {(attrs) => (
            <textarea
              {...attrs}
              name="description"
              rows={2}
              maxlength={2000}
              value={values.description}
              onInput={(e) => set("description", e.currentTarget.value)}
            />
          )}
        </Field>
        <Field
          label="System prompt"
          hint={
            basePrompt()
              ? "The template's instructions, yours to edit. Left unchanged, the agent follows the template's prompt."
              : "How the agent should behave: its role, its tone, what it must not do. Leave empty for the default."
          }
          error={err("system_prompt_override")}
        >
          {(attrs) => (
            <textarea
              {...attrs}
              name="system_prompt_override"
              rows={8}
              maxlength={20000}
              value={values.system_prompt_override}
              onInput={(e) => set("system_prompt_override", e.currentTarget.value)}
            />
          )}
        </Field>
        <Show when={basePrompt() && values.system_prompt_override.trim() !== basePrompt()?.trim()}>
          <div>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => set("system_prompt_override", basePrompt() ?? "")}
            >
              Use the template's prompt again
            </Button>
          </div>
        </Show>
        <Field
          label="Model"
          hint="From the providers configured on this server."
          error={err("model")}
        >
          {(attrs) => (
            <select {...attrs} name="model" onChange={(e) => set("model", e.currentTarget.value)}>
              <For each={models()}>
                {(m) => (
                  <option value={m.id} selected={m.id === values.model}>
                    {m.label}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
        <Show when={props.mode === "create"}>
          <CheckField
            label="Public"
            name="is_public"
            hint="Listed on your public page for anyone to chat with. You can publish it later, once it has knowledge."
            checked={values.is_public}
            onChange={(v) => set("is_public", v)}
          />
        </Show>
        <CheckField
          label="Active"
          name="is_active"
          hint="Answers chats; an inactive agent is paused."
          checked={values.is_active}
          onChange={(v) => set("is_active", v)}
        />
      </fieldset>

      <fieldset class="card">
        <legend>How it answers</legend>
        <ExecutionModeField
          value={values.execution_mode}
          onChange={(mode) => set("execution_mode", mode)}
        />
        <Show when={values.execution_mode === "advanced"}>
          <Field
            label="Max iterations"
            hint={`Model calls per answer, each able to use tools: ${range(CONFIG_LIMITS.maxIterations)}. The answer stops at the limit with the best it has, and says so.`}
            error={err("max_iterations")}
          >
            {numberInput("max_iterations", CONFIG_LIMITS.maxIterations, "1")}
          </Field>
          <ToolsSection
            tools={values.tools}
            onChange={(tools) => set("tools", tools)}
            errorAt={errAt}
            mcp={props.mcp}
          />
        </Show>
      </fieldset>

      <details class="card advanced" open={hasAdvancedError()}>
        <summary>Advanced: sampling and retrieval</summary>
        <p class="field-hint">
          The defaults suit most agents. Change these to tune how answers are written and which
          passages of your documents are used.
        </p>
        <h3 class="advanced-title">Answers</h3>
        <div class="grid-2">
          <Field
            label="Temperature"
            hint={range(CONFIG_LIMITS.temperature)}
            error={err("temperature")}
          >
            {numberInput("temperature", CONFIG_LIMITS.temperature, "0.1")}
          </Field>
          <Field label="Max tokens" hint={range(CONFIG_LIMITS.maxTokens)} error={err("max_tokens")}>
            {numberInput("max_tokens", CONFIG_LIMITS.maxTokens, "1")}
          </Field>
          <Field
            label="History window"
            hint={`Earlier messages sent with each question: ${range(CONFIG_LIMITS.historyWindow)}`}
            error={err("history_window")}
          >
            {numberInput("history_window", CONFIG_LIMITS.historyWindow, "1")}
          </Field>
          <Field label="Top P" hint={range(CONFIG_LIMITS.topP)} error={err("top_p")}>
            {numberInput("top_p", CONFIG_LIMITS.topP, "0.05")}
          </Field>
        </div>
        <h3 class="advanced-title">Knowledge (RAG)</h3>
        <Field label="RAG mode" error={err("mode")}>
          {(attrs) => (
            <select
              {...attrs}
              name="mode"
              onChange={(e) => set("mode", e.currentTarget.value as QueryMode)}
            >
              <For each={QUERY_MODES}>
                {(m) => (
                  <option value={m} selected={m === values.mode}>
                    {MODE_LABELS[m]}
                  </option>
                )}
              </For>
            </select>
          )}
        </Field>
        <div class="grid-2">
          <Field label="Search mode" error={err("search_mode")}>
            {(attrs) => (
              <select
                {...attrs}
                name="search_mode"
                onChange={(e) => set("search_mode", e.currentTarget.value as SearchMode)}
              >
                <For each={SEARCH_MODES}>
                  {(m) => (
                    <option value={m} selected={m === values.search_mode}>
                      {SEARCH_LABELS[m]}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
          <Field
            label="Top K"
            hint={`Passages retrieved per question: ${range(CONFIG_LIMITS.topK)}`}
            error={err("top_k")}
          >
            {numberInput("top_k", CONFIG_LIMITS.topK, "1")}
          </Field>
          <Field
            label="Similarity threshold"
            hint={`${SIMILARITY_THRESHOLD_MEANING} ${range(CONFIG_LIMITS.similarityThreshold)}.`}
            error={err("similarity_threshold")}
          >
            {numberInput("similarity_threshold", CONFIG_LIMITS.similarityThreshold, "0.05")}
          </Field>
          <Field label="Chunk size (tokens)" hint={CHUNK_SIZE_HINT} error={err("chunk_size")}>
            {numberInput("chunk_size", CONFIG_LIMITS.chunkSize, "1")}
          </Field>
          <Field
            label="Chunk overlap (tokens)"
            hint={CHUNK_OVERLAP_HINT}
            error={err("chunk_overlap")}
          >
            {numberInput("chunk_overlap", CONFIG_LIMITS.chunkOverlap, "1")}
          </Field>
        </div>
      </details>

      <ErrorAlert message={formError()} />
      <div class="row">
        <Button variant="primary" type="submit" disabled={busy()}>
          {props.mode === "create"
            ? busy()
              ? "Creating…"
              : "Create agent"
            : busy()
              ? "Saving…"
              : "Save"}
        </Button>
        <Show when={saved() && props.mode === "edit"}>
          <span class="badge success" role="status">
            Saved
          </span>
        </Show>
        {props.actions}
      </div>
    </form>
  );
}

/** One template to start from: a card that is a radio button (the whole card picks it). */
function TemplateCard(props: {
  id: string;
  name: string;
  icon: string;
  description: string;
  samples: string[];
  checked: boolean;
  onChoose: () => void;
}) {
  const uid = createUniqueId();
  return (
    <div class={`card template-card${props.checked ? " chosen" : ""}`}>
      <div class="template-head">
        <AgentIcon name={props.icon} size={40} />
        <input
          id={uid}
          type="radio"
          name="template"
          value={props.id}
          checked={props.checked}
          aria-describedby={`${uid}-about`}
          onChange={() => props.onChoose()}
        />
        <label for={uid} class="template-name">
          {props.name}
        </label>
      </div>
      <div id={`${uid}-about`} class="template-about">
        <p class="small">{props.description}</p>
        <Show when={props.samples.length}>
          <p class="small muted sample-title">Visitors might ask:</p>
          <ul class="samples small">
            <For each={props.samples}>{(q) => <li>“{q}”</li>}</For>
          </ul>
        </Show>
      </div>
    </div>
  );
}

/** The agent's icon, chosen from AGENT_ICONS: a radio group of icons, each named for screen readers. */
function IconPicker(props: { value: string; onChange: (name: string) => void }) {
  const group = createUniqueId();
  return (
    <fieldset class="icon-picker">
      <legend>Icon</legend>
      <div class="icon-grid">
        <For each={AGENT_ICONS}>
          {(entry) => (
            <label class="icon-option" title={entry.label}>
              <input
                type="radio"
                name={`icon-${group}`}
                value={entry.name}
                checked={props.value === entry.name}
                onChange={() => props.onChange(entry.name)}
              />
              <Dynamic component={entry.icon} size={20} aria-hidden="true" />
              <span class="visually-hidden">{entry.label}</span>
            </label>
          )}
        </For>
      </div>
    </fieldset>
  );
}
