/**
 * DomainAction: the envelope of every message between services (queues, Durable Object RPC),
 * with the fields of the original design, and ACTIONS: the one table of the action types that
 * travel on a queue, each with its payload schema and the queue that carries it (by convention
 * the service named by its first segment). Producers send through workers/actions.ts, which
 * picks the binding from this table; each consumer accepts the types whose queue it reads
 * (workers/services/queue-consumer.ts). Request/response between services is a direct typed
 * call (a function or Durable Object RPC), never a queue round trip, so there is no response
 * envelope.
 */
import { z } from "zod";
import { ExecutionConfigSchema, QueryConfigSchema, RAGConfigSchema } from "./config.ts";
import {
  CONVERSATION_ACTIONS,
  ContactCaptureDataSchema,
  MessageCreateDataSchema,
  SessionEndDataSchema,
} from "./conversation.ts";
import { EmbedBatchDataSchema, INGESTION_ACTIONS, ProcessDataSchema } from "./ingestion.ts";

/** The services that consume a queue (`nooble-<service>`, bound as `<SERVICE>_QUEUE`). */
export const QUEUE_SERVICES = ["conversation", "ingestion", "embedding"] as const;
export type QueueService = (typeof QUEUE_SERVICES)[number];
export const isQueueService = (s: string): s is QueueService =>
  (QUEUE_SERVICES as readonly string[]).includes(s);

/** Every action type that travels on a queue: its payload (`data`) and the queue carrying it. */
export const ACTIONS = {
  [CONVERSATION_ACTIONS.messageCreate]: { queue: "conversation", data: MessageCreateDataSchema },
  [CONVERSATION_ACTIONS.sessionEnd]: { queue: "conversation", data: SessionEndDataSchema },
  [CONVERSATION_ACTIONS.contactCapture]: {
    queue: "conversation",
    data: ContactCaptureDataSchema,
  },
  [INGESTION_ACTIONS.process]: { queue: "ingestion", data: ProcessDataSchema },
  [INGESTION_ACTIONS.embedBatch]: { queue: "embedding", data: EmbedBatchDataSchema },
} as const satisfies Record<string, { queue: QueueService; data: z.ZodType }>;
export type ActionType = keyof typeof ACTIONS;
/** The payload of an action type, as its consumer receives it (defaults applied). */
export type ActionData<T extends ActionType> = z.output<(typeof ACTIONS)[T]["data"]>;
/** The action types one queue carries. */
export type ActionTypeOn<Q extends QueueService> = {
  [T in ActionType]: (typeof ACTIONS)[T]["queue"] extends Q ? T : never;
}[ActionType];

export const isActionType = (t: string): t is ActionType => Object.hasOwn(ACTIONS, t);

/** The table's row for `actionType`; an action type not in ACTIONS travels on no queue. */
export function actionSpec(actionType: string): (typeof ACTIONS)[ActionType] {
  if (!isActionType(actionType))
    throw new Error(`no queue carries action type "${actionType}": add it to ACTIONS`);
  return ACTIONS[actionType];
}

/** The queue that carries `actionType`. */
export const queueForAction = (actionType: string): QueueService => actionSpec(actionType).queue;

/**
 * "service.entity.verb", lower snake case segments, service one of QUEUE_SERVICES. The format
 * only: a well-formed type no consumer knows is a valid envelope its consumer dead-letters
 * with that reason.
 */
export const ActionTypeSchema = z
  .string()
  .regex(
    /^[a-z][a-z_]*\.[a-z][a-z_]*\.[a-z][a-z_]*$/,
    "action_type must look like service.entity.verb",
  )
  .refine((t) => isQueueService(t.split(".")[0] ?? ""), {
    message: `action_type must start with one of: ${QUEUE_SERVICES.join(", ")}`,
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
