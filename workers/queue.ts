/**
 * The queue() handler: parses nothing itself, only routes each batch to its service's consumer
 * (each built on services/queue-consumer.ts). A queue is named `nooble-<service>`, with a
 * suffix per deployment (`nooble-conversation-staging`): the service decides the consumer.
 */
import { isQueueService } from "../shared/actions.ts";
import type { QueueService } from "../shared/actions.ts";
import type { WorkerEnv } from "./env.ts";
import { handleConversationBatch } from "./services/conversation/consumer.ts";
import { handleEmbeddingBatch } from "./services/embedding/consumer.ts";
import { handleIngestionBatch } from "./services/ingestion/consumer.ts";
import { noConsumer } from "./services/queue-consumer.ts";
import type { BatchHandler } from "./services/queue-consumer.ts";

const consumers: Record<QueueService, BatchHandler> = {
  conversation: handleConversationBatch,
  ingestion: handleIngestionBatch,
  embedding: handleEmbeddingBatch,
};

/** The consumer of a queue name: `nooble-<service>` or `nooble-<service>-<deployment>`. */
export function consumerFor(queue: string): BatchHandler {
  const service = /^nooble-([a-z]+)(?:-[a-z0-9-]+)?$/.exec(queue)?.[1] ?? "";
  return isQueueService(service) ? consumers[service] : noConsumer;
}

export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  _ctx: ExecutionContext,
): Promise<void> {
  return consumerFor(batch.queue)(batch, env);
}
