/**
 * DomainAction: the envelope of every message between services (queues, Durable Object RPC),
 * with the fields of the original design. The first segment of `action_type`
 * ("service.entity.verb") picks the queue that carries it.
 */
import { z } from "zod";
import { ExecutionConfigSchema, QueryConfigSchema, RAGConfigSchema } from "./config.ts";
import { ErrorDetailSchema } from "./errors.ts";

export const SERVICES = [
  "orchestrator",
  "execution",
  "query",
  "embedding",
  "ingestion",
  "conversation",
] as const;
export type ServiceName = (typeof SERVICES)[number];

/** "service.entity.verb", lower snake case segments, service one of SERVICES. */
export const ActionTypeSchema = z
  .string()
  .regex(
    /^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*$/,
    "action_type must look like service.entity.verb",
  )
  .refine((t) => (SERVICES as readonly string[]).includes(t.split(".")[0] ?? ""), {
    message: `action_type must start with one of: ${SERVICES.join(", ")}`,
  });

export const DomainActionSchema = z.object({
  action_id: z.uuid(),
  action_type: ActionTypeSchema,
  timestamp: z.iso.datetime(),
  tenant_id: z.uuid(),
  session_id: z.string().min(1).max(200),
  task_id: z.string().min(1).max(200),
  user_id: z.string().max(200).optional(),
  agent_id: z.uuid().optional(),
  origin_service: z.string().min(1).max(100),
  correlation_id: z.string().max(200).optional(),
  trace_id: z.string().min(1).max(200),
  callback_action_type: ActionTypeSchema.optional(),
  execution_config: ExecutionConfigSchema.optional(),
  query_config: QueryConfigSchema.optional(),
  rag_config: RAGConfigSchema.optional(),
  data: z.record(z.string(), z.unknown()).default({}),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type DomainAction = z.infer<typeof DomainActionSchema>;
export type DomainActionInput = z.input<typeof DomainActionSchema>;

export const DomainActionResponseSchema = z.object({
  action_id: z.uuid(),
  correlation_id: z.string().max(200).optional(),
  trace_id: z.string().min(1).max(200),
  success: z.boolean(),
  timestamp: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()).default({}),
  error: ErrorDetailSchema.optional(),
});
export type DomainActionResponse = z.infer<typeof DomainActionResponseSchema>;

/** The service whose queue carries an action: the first segment of its type. */
export function serviceForAction(actionType: string): ServiceName {
  const service = actionType.split(".")[0];
  const found = SERVICES.find((s) => s === service);
  if (!found) throw new Error(`no service consumes action type "${actionType}"`);
  return found;
}

/** Queue names per service, as bound in wrangler.toml (`<service>` and `<service>-dlq`). */
export function queueNameForAction(actionType: string): string {
  return `nooble-${serviceForAction(actionType)}`;
}

/** Builds a valid action with fresh id and timestamp; callers give what the task is. */
export function createDomainAction(
  input: Omit<DomainActionInput, "action_id" | "timestamp"> & {
    action_id?: string;
    timestamp?: string;
  },
): DomainAction {
  return DomainActionSchema.parse({
    action_id: input.action_id ?? crypto.randomUUID(),
    timestamp: input.timestamp ?? new Date().toISOString(),
    ...input,
  });
}

/** A response to `action`, carrying its correlation and trace ids. */
export function respondTo(
  action: DomainAction,
  result:
    | { success: true; data?: Record<string, unknown> }
    | { success: false; error: z.infer<typeof ErrorDetailSchema> },
): DomainActionResponse {
  return DomainActionResponseSchema.parse({
    action_id: action.action_id,
    correlation_id: action.correlation_id ?? action.action_id,
    trace_id: action.trace_id,
    timestamp: new Date().toISOString(),
    ...result,
  });
}
