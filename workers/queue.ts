/** The queue() handler: parses nothing itself, only routes each batch to its service's consumer. */
import type { WorkerEnv } from "./env.ts";
import { createLogger } from "./log.ts";
import { handleConversationBatch } from "./services/conversation/consumer.ts";
import { handleEmbeddingBatch } from "./services/embedding/consumer.ts";
import { handleIngestionBatch } from "./services/ingestion/consumer.ts";
import { sendToDeadLetter } from "./services/dead-letter.ts";

type Consumer = (
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  ctx: ExecutionContext,
) => Promise<void>;

const consumers: Record<string, Consumer> = {
  "nooble-conversation": handleConversationBatch,
  "nooble-ingestion": handleIngestionBatch,
  "nooble-embedding": handleEmbeddingBatch,
};

export async function handleQueue(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
  ctx: ExecutionContext,
): Promise<void> {
  const consumer = consumers[batch.queue];
  if (consumer) return consumer(batch, env, ctx);
  createLogger({ component: "queue" }).error("batch from a queue with no consumer", {
    queue: batch.queue,
    messages: batch.messages.length,
  });
  for (const msg of batch.messages) {
    await sendToDeadLetter(env, batch.queue, `no consumer for queue ${batch.queue}`, msg.body);
    msg.ack();
  }
}
