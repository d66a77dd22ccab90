/** The owner's agents: list, read, create, change, duplicate, delete; templates and models to build from. */
import { z } from "zod";
import {
  AgentListSchema,
  AgentSchema,
  AgentTemplateSchema,
  ModelListSchema,
} from "../../../../shared/api/agents.ts";
import type { Agent, CreateAgent, UpdateAgent } from "../../../../shared/api/agents.ts";
import { api, query } from "../../lib/api.ts";

export function listAgents(params: { search?: string; limit?: number; offset?: number } = {}) {
  return api(`/api/v1/agents${query({ limit: 100, ...params })}`, { schema: AgentListSchema });
}

export function getAgent(id: string): Promise<Agent> {
  return api(`/api/v1/agents/${encodeURIComponent(id)}`, { schema: AgentSchema });
}

export function createAgent(body: CreateAgent): Promise<Agent> {
  return api("/api/v1/agents", { method: "POST", body, schema: AgentSchema });
}

export function updateAgent(id: string, body: UpdateAgent): Promise<Agent> {
  return api(`/api/v1/agents/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body,
    schema: AgentSchema,
  });
}

export function duplicateAgent(id: string, name?: string): Promise<Agent> {
  return api(`/api/v1/agents/${encodeURIComponent(id)}/duplicate`, {
    method: "POST",
    body: name ? { name } : {},
    schema: AgentSchema,
  });
}

export async function deleteAgent(id: string): Promise<void> {
  await api(`/api/v1/agents/${encodeURIComponent(id)}`, { method: "DELETE" });
}

const TemplatesSchema = z.object({ templates: z.array(AgentTemplateSchema) });
export async function listTemplates() {
  return (await api("/api/v1/agent-templates", { schema: TemplatesSchema })).templates;
}

/** The models configured here, and the one a new agent gets by default. */
export function listModels() {
  return api("/api/v1/models", { schema: ModelListSchema });
}
