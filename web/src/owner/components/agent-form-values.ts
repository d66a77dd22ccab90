/**
 * The agent form's values (numbers kept as the text typed, so "abc" can be told apart from 0),
 * their client-side checks with the server's own ranges (shared/config.ts), and the request
 * bodies built from them. Errors are keyed by the server's field paths
 * (`execution_config.temperature`), so the server's field errors land beside the same inputs.
 * The execution mode's settings (`max_iterations`, `tools`) are checked and sent as the
 * editor shows them: `max_iterations` only in advanced mode, `tools` always whole.
 */
import type {
  Agent,
  AgentTemplate,
  CreateAgent,
  UpdateAgent,
} from "../../../../shared/api/agents.ts";
import {
  CONFIG_LIMITS,
  defaultExecutionConfig,
  defaultQueryConfig,
  defaultRAGConfig,
} from "../../../../shared/config.ts";
import type {
  ExecutionConfig,
  QueryConfig,
  RAGConfig,
  QUERY_MODES,
  SEARCH_MODES,
} from "../../../../shared/config.ts";
import type { ExecutionMode } from "../../../../shared/protocol/chat.ts";
import type { ToolsConfig } from "../../../../shared/tools.ts";

export type QueryMode = (typeof QUERY_MODES)[number];
export type SearchMode = (typeof SEARCH_MODES)[number];

export interface AgentFormValues {
  name: string;
  /** A Lucide icon name from AGENT_ICONS (ui/AgentIcon.tsx). */
  icon: string;
  description: string;
  system_prompt_override: string;
  /** simple: one model call with retrieved passages; advanced: a loop that calls tools. */
  execution_mode: ExecutionMode;
  tools: ToolsConfig;
  model: string;
  temperature: string;
  max_tokens: string;
  top_p: string;
  history_window: string;
  max_iterations: string;
  mode: QueryMode;
  search_mode: SearchMode;
  top_k: string;
  similarity_threshold: string;
  chunk_size: string;
  chunk_overlap: string;
  is_public: boolean;
  is_active: boolean;
}

/** Server field path of each form value. */
export const FIELD_PATHS = {
  name: "name",
  icon: "icon",
  description: "description",
  system_prompt_override: "system_prompt_override",
  execution_mode: "execution_config.mode",
  tools: "execution_config.tools",
  model: "execution_config.model",
  temperature: "execution_config.temperature",
  max_tokens: "execution_config.max_tokens",
  top_p: "execution_config.top_p",
  history_window: "execution_config.history_window",
  max_iterations: "execution_config.max_iterations",
  mode: "query_config.mode",
  search_mode: "query_config.search_mode",
  top_k: "query_config.top_k",
  similarity_threshold: "query_config.similarity_threshold",
  chunk_size: "rag_config.chunk_size",
  chunk_overlap: "rag_config.chunk_overlap",
  is_public: "is_public",
  is_active: "is_active",
} as const satisfies Record<keyof AgentFormValues, string>;

export type FieldErrors = Partial<Record<string, string>>;

interface Configs {
  execution_config: ExecutionConfig;
  query_config: QueryConfig;
  rag_config: RAGConfig;
}

function fromConfigs(c: Configs) {
  return {
    execution_mode: c.execution_config.mode,
    tools: structuredClone(c.execution_config.tools),
    model: c.execution_config.model,
    temperature: String(c.execution_config.temperature),
    max_tokens: String(c.execution_config.max_tokens),
    top_p: String(c.execution_config.top_p),
    history_window: String(c.execution_config.history_window),
    max_iterations: String(c.execution_config.max_iterations),
    mode: c.query_config.mode,
    search_mode: c.query_config.search_mode,
    top_k: String(c.query_config.top_k),
    similarity_threshold: String(c.query_config.similarity_threshold),
    chunk_size: String(c.rag_config.chunk_size),
    chunk_overlap: String(c.rag_config.chunk_overlap),
  };
}

/** A blank custom agent, with the server's defaults (`model`: GET /models' default_model). */
export function emptyValues(model?: string): AgentFormValues {
  const execution = defaultExecutionConfig();
  return {
    name: "",
    icon: "bot",
    description: "",
    system_prompt_override: "",
    ...fromConfigs({
      execution_config: model ? { ...execution, model } : execution,
      query_config: defaultQueryConfig(),
      rag_config: defaultRAGConfig(),
    }),
    is_public: false,
    is_active: true,
  };
}

/**
 * A new agent starting from a template: its name (the owner's to change), icon, description,
 * settings, and its prompt as editable text (sent as no override while left unchanged).
 */
export function valuesFromTemplate(
  template: AgentTemplate,
  keep?: Pick<AgentFormValues, "is_public" | "is_active">,
): AgentFormValues {
  return {
    name: template.name,
    icon: template.icon,
    description: template.description,
    system_prompt_override: template.system_prompt,
    ...fromConfigs(template),
    is_public: keep?.is_public ?? false,
    is_active: keep?.is_active ?? true,
  };
}

/** An agent's values; its prompt is the one in effect (its own, else its template's), editable. */
export function valuesFromAgent(agent: Agent, templatePrompt?: string | null): AgentFormValues {
  return {
    name: agent.name,
    icon: agent.icon ?? "bot",
    description: agent.description ?? "",
    system_prompt_override: agent.system_prompt_override ?? templatePrompt ?? "",
    ...fromConfigs(agent),
    is_public: agent.is_public,
    is_active: agent.is_active,
  };
}

type Range = { min: number; max: number };

function checkNumber(text: string, range: Range, integer: boolean): string | undefined {
  if (text.trim() === "") return "required";
  const n = Number(text);
  if (!Number.isFinite(n)) return "must be a number";
  if (integer && !Number.isInteger(n)) return "must be a whole number";
  if (n < range.min) return `must be at least ${range.min}`;
  if (n > range.max) return `must be at most ${range.max}`;
  return undefined;
}

const NUMERIC: { key: keyof AgentFormValues; range: Range; integer: boolean }[] = [
  { key: "temperature", range: CONFIG_LIMITS.temperature, integer: false },
  { key: "max_tokens", range: CONFIG_LIMITS.maxTokens, integer: true },
  { key: "top_p", range: CONFIG_LIMITS.topP, integer: false },
  { key: "history_window", range: CONFIG_LIMITS.historyWindow, integer: true },
  { key: "max_iterations", range: CONFIG_LIMITS.maxIterations, integer: true },
  { key: "top_k", range: CONFIG_LIMITS.topK, integer: true },
  { key: "similarity_threshold", range: CONFIG_LIMITS.similarityThreshold, integer: false },
  { key: "chunk_size", range: CONFIG_LIMITS.chunkSize, integer: true },
  { key: "chunk_overlap", range: CONFIG_LIMITS.chunkOverlap, integer: true },
];

/** The same rules the server applies, so most mistakes are caught before a round trip. */
export function validateAgentForm(v: AgentFormValues): FieldErrors {
  const errors: FieldErrors = {};
  const name = v.name.trim();
  if (!name) errors[FIELD_PATHS.name] = "Give the agent a name.";
  else if (name.length > 100) errors[FIELD_PATHS.name] = "must be at most 100 characters";
  if (v.description.length > 2000)
    errors[FIELD_PATHS.description] = "must be at most 2000 characters";
  if (v.system_prompt_override.length > 20000)
    errors[FIELD_PATHS.system_prompt_override] = "must be at most 20000 characters";
  if (!v.model.trim()) errors[FIELD_PATHS.model] = "Choose a model.";
  for (const { key, range, integer } of NUMERIC) {
    // Only advanced mode shows (and uses) max_iterations.
    if (key === "max_iterations" && v.execution_mode !== "advanced") continue;
    const message = checkNumber(String(v[key]), range, integer);
    if (message) errors[FIELD_PATHS[key]] = message;
  }
  if (
    !errors[FIELD_PATHS.chunk_size] &&
    !errors[FIELD_PATHS.chunk_overlap] &&
    Number(v.chunk_overlap) >= Number(v.chunk_size)
  ) {
    errors[FIELD_PATHS.chunk_overlap] = "must be smaller than the chunk size";
  }
  return errors;
}

const isWhole = (text: string, range: Range) => checkNumber(text, range, true) === undefined;

function configsOf(v: AgentFormValues) {
  return {
    execution_config: {
      mode: v.execution_mode,
      model: v.model,
      temperature: Number(v.temperature),
      max_tokens: Number(v.max_tokens),
      top_p: Number(v.top_p),
      history_window: Number(v.history_window),
      // Hidden in simple mode, where a half-typed value is left as stored rather than refused.
      ...(v.execution_mode === "advanced" || isWhole(v.max_iterations, CONFIG_LIMITS.maxIterations)
        ? { max_iterations: Number(v.max_iterations) }
        : {}),
      tools: v.tools,
    },
    query_config: {
      mode: v.mode,
      search_mode: v.search_mode,
      top_k: Number(v.top_k),
      similarity_threshold: Number(v.similarity_threshold),
    },
    rag_config: { chunk_size: Number(v.chunk_size), chunk_overlap: Number(v.chunk_overlap) },
  };
}

/** The prompt to store: none while it is the template's own (so the agent keeps following it). */
function promptOverride(v: AgentFormValues, templatePrompt: string | null | undefined) {
  const text = v.system_prompt_override.trim();
  return !text || (templatePrompt && text === templatePrompt.trim()) ? null : text;
}

export function createBody(
  v: AgentFormValues,
  templateId: string | undefined,
  templatePrompt?: string | null,
): CreateAgent {
  return {
    ...(templateId ? { template_id: templateId } : {}),
    name: v.name.trim(),
    icon: v.icon || null,
    description: v.description.trim() || null,
    system_prompt_override: promptOverride(v, templatePrompt),
    ...configsOf(v),
    is_public: v.is_public,
    is_active: v.is_active,
  };
}

/** An edit's body. Visibility is not in it: the editor's Publish button changes that on its own. */
export function updateBody(v: AgentFormValues, templatePrompt?: string | null): UpdateAgent {
  const { template_id: _t, is_public: _p, ...rest } = createBody(v, undefined, templatePrompt);
  return rest;
}
