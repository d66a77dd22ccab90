/** Agent and agent-template bodies. Configs are the shared schemas with their ranges. */
import { z } from "zod";
import {
  ExecutionConfigSchema,
  QueryConfigSchema,
  RAGConfigFieldsSchema,
  RAGConfigSchema,
} from "../config.ts";

export const AgentTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  icon: z.string(),
  system_prompt: z.string(),
  execution_config: ExecutionConfigSchema,
  query_config: QueryConfigSchema,
  rag_config: RAGConfigSchema,
});
export type AgentTemplate = z.infer<typeof AgentTemplateSchema>;

export const AgentSchema = z.object({
  id: z.uuid(),
  owner_id: z.uuid(),
  template_id: z.string().nullable(),
  name: z.string(),
  description: z.string().nullable(),
  icon: z.string().nullable(),
  system_prompt_override: z.string().nullable(),
  execution_config: ExecutionConfigSchema,
  query_config: QueryConfigSchema,
  rag_config: RAGConfigSchema,
  is_active: z.boolean(),
  is_public: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Agent = z.infer<typeof AgentSchema>;

const name = z.string().trim().min(1, "name must not be empty").max(100);
const description = z.string().max(2000).nullable();
const icon = z.string().max(64).nullable();
const prompt = z.string().max(20000).nullable();

/** Configs in request bodies are partial: unspecified settings keep their defaults. */
const PartialExecution = ExecutionConfigSchema.partial().strict();
const PartialQuery = QueryConfigSchema.partial().strict();
const PartialRag = RAGConfigFieldsSchema.partial().strict();

export const CreateAgentSchema = z
  .object({
    template_id: z.string().min(1).max(64).optional(),
    name,
    description: description.optional(),
    icon: icon.optional(),
    system_prompt_override: prompt.optional(),
    execution_config: PartialExecution.optional(),
    query_config: PartialQuery.optional(),
    rag_config: PartialRag.optional(),
    is_public: z.boolean().optional(),
    is_active: z.boolean().optional(),
  })
  .strict();
export type CreateAgent = z.infer<typeof CreateAgentSchema>;

export const UpdateAgentSchema = z
  .object({
    name: name.optional(),
    description: description.optional(),
    icon: icon.optional(),
    system_prompt_override: prompt.optional(),
    execution_config: PartialExecution.optional(),
    query_config: PartialQuery.optional(),
    rag_config: PartialRag.optional(),
    is_public: z.boolean().optional(),
    is_active: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "send at least one field to change" });
export type UpdateAgent = z.infer<typeof UpdateAgentSchema>;

export const DuplicateAgentSchema = z.object({ name: name.optional() }).strict();

export const AgentListQuerySchema = z.object({
  search: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const AgentListSchema = z.object({
  agents: z.array(AgentSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const ModelSchema = z.object({
  id: z.string(),
  provider: z.enum(["extractive", "groq", "openai"]),
  label: z.string(),
});
export type Model = z.infer<typeof ModelSchema>;
