/** Agent and agent-template bodies. Configs are the shared schemas with their ranges. */
import { z } from "zod";
import { freeText, singleLineText } from "../text.ts";
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
  /** Questions a visitor might ask an agent of this kind (shown in the template gallery). */
  sample_questions: z.array(z.string()),
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

const name = singleLineText().trim().min(1, "name must not be empty").max(100);
const description = freeText().max(2000).nullable();
const icon = singleLineText().max(64).nullable();
const prompt = freeText().max(20000).nullable();

/** A field of a patch: its default dropped, and a nested object a patch itself. */
type PatchField<T> =
  T extends z.ZodDefault<infer I> ? PatchField<I> : T extends z.ZodObject<infer S> ? Patch<S> : T;
type Patch<S extends z.ZodRawShape> = z.ZodObject<{
  [K in keyof S]: z.ZodOptional<PatchField<S[K]>>;
}>;

/**
 * A config's fields, each optional and without its default, nested objects (the tools) the
 * same way down. Not `.partial()`: zod 4 applies a `.default()` even inside `.optional()`, so
 * a partial body would come back with every unsent setting at its default and overwrite the
 * template's or the agent's current value.
 */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>): Patch<S> {
  const shape: Record<string, z.ZodOptional> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const bare = field instanceof z.ZodDefault ? field.unwrap() : field;
    shape[key] = z.optional(bare instanceof z.ZodObject ? patchOf(bare) : bare);
  }
  return z.object(shape).strict() as unknown as Patch<S>;
}

/** Configs in request bodies are partial: unspecified settings keep their current (or template, or default) value. */
const PartialExecution = patchOf(ExecutionConfigSchema);
const PartialQuery = patchOf(QueryConfigSchema);
const PartialRag = patchOf(RAGConfigFieldsSchema);

export const CreateAgentSchema = z
  .object({
    template_id: singleLineText().min(1).max(64).optional(),
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
  search: singleLineText().max(100).optional(),
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
  provider: z.enum(["extractive", "groq", "openai", "workers-ai"]),
  label: z.string(),
});
export type Model = z.infer<typeof ModelSchema>;

export const ModelListSchema = z.object({
  models: z.array(ModelSchema),
  default_model: z
    .string()
    .describe(
      "What a new agent (custom or from a template) gets when it names no model: Groq's first model if Groq is configured, else the OpenAI-compatible provider's first, else Workers AI's first (when the AI binding is set), else extractive.",
    ),
});
