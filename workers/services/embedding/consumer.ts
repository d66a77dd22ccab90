/**
 * Consumer of `nooble-embedding` (`embedding.batch.process`): embeds one batch of chunks and
 * upserts them under stable ids (document id + index), then reports the batch to the job.
 * A redelivered batch overwrites the same points and is counted once by the job. A batch
 * that was being embedded while its job was cancelled or failed removes what it stored.
 */
import type { Sql } from "postgres";
import { DomainActionSchema } from "../../../shared/actions.ts";
import { openDatabase } from "../../db/client.ts";
import { documentAgentIds, getDocument } from "../../db/documents.ts";
import { selectEmbedder } from "../../embeddings/select.ts";
import type { WorkerEnv } from "../../env.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import { createLogger } from "../../log.ts";
import { AppError } from "../../errors.ts";
import {
  ChunkBatchSchema,
  EmbedBatchDataSchema,
  INGESTION_ACTIONS,
  chunkId,
} from "../ingestion/actions.ts";
import { recordOutcome } from "../ingestion/outcome.ts";
import { withHeartbeat } from "../ingestion/watchdog.ts";
import { isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.ts";
import { retryDelaySeconds, sendToDeadLetter } from "../dead-letter.ts";

const QUEUE = "nooble-embedding";

export async function handleEmbeddingBatch(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
): Promise<void> {
  const log = createLogger({ component: "embedding-consumer" });
  // One client for the batch; the runtime closes its sockets when the invocation ends.
  let sql: Sql | undefined;
  const db = () => (sql ??= openDatabase(env.HYPERDRIVE.connectionString));
  const embedder = selectEmbedder(env);
  const store = selectVectorStore(env);
  for (const msg of batch.messages) {
    const action = DomainActionSchema.safeParse(msg.body);
    const data =
      action.success && action.data.action_type === INGESTION_ACTIONS.embedBatch
        ? EmbedBatchDataSchema.safeParse(action.data.data)
        : null;
    if (!action.success || !data?.success) {
      await sendToDeadLetter(
        env,
        QUEUE,
        action.success
          ? `not an ${INGESTION_ACTIONS.embedBatch} action with {job_id, document_id, batch_index, batch_key}`
          : "invalid DomainAction",
        msg.body,
      );
      msg.ack();
      continue;
    }
    const { job_id, document_id, batch_index, batch_key } = data.data;
    const tenantId = action.data.tenant_id;
    const job = env.INGESTION_JOB.get(env.INGESTION_JOB.idFromName(job_id));
    try {
      const state = await job.getState();
      if (!state || state.tenant_id !== tenantId || state.document_id !== document_id) {
        await sendToDeadLetter(
          env,
          QUEUE,
          "the job does not exist or belongs to another document",
          msg.body,
        );
        msg.ack();
        continue;
      }
      if (state.stage !== "embedding" || state.batches_done.includes(batch_index)) {
        await recordOutcome(db(), job, state);
        msg.ack();
        continue;
      }
      const object = await env.DOCUMENTS.get(batch_key);
      if (!object) {
        // The job ended (and removed its batches) since the check above: nothing left to do.
        const now = await job.getState();
        if (now && isTerminal(now)) {
          await recordOutcome(db(), job, now);
          msg.ack();
          continue;
        }
        throw new Error(`chunk batch ${batch_key} is missing`);
      }
      const { chunks } = ChunkBatchSchema.parse(await object.json());
      // A live batch tells its job so; a lost one is re-driven by the job's watchdog.
      await withHeartbeat(env, job, async () => {
        const vectors = await embedder.embed(chunks.map((c) => c.text));
        const agentIds = await documentAgentIds(db(), tenantId, document_id);
        await store.upsert(
          tenantId,
          { model: embedder.model, dimensions: embedder.dimensions },
          chunks.map((c, i) => ({
            id: chunkId(document_id, c.index),
            document_id,
            document_name: state.document_name,
            chunk_index: c.index,
            text: c.text,
            page: c.page,
            heading_path: c.heading_path,
            agent_ids: agentIds,
            collection_id: state.collection_id,
            vector: vectors[i] ?? [],
          })),
        );
      });
      const after = await job.batchDone(batch_index, chunks.length);
      if (after && after.stage !== "completed" && after.stage !== "embedding") {
        // The job ended while this batch was embedded, and cleaned up before this upsert landed.
        const doc = await getDocument(db(), tenantId, document_id);
        if (!doc || doc.job_id === job_id) await store.deleteDocument(tenantId, document_id);
      }
      await recordOutcome(db(), job, after);
      msg.ack();
    } catch (err) {
      if (err instanceof AppError && err.code === "EMBEDDING_MISMATCH") {
        await recordOutcome(db(), job, await job.fail(err.code, err.message));
        msg.ack();
        continue;
      }
      log.warn("embedding batch failed; retrying", {
        job_id,
        tenant_id: tenantId,
        batch_index,
        attempts: msg.attempts,
        error: String(err),
      });
      if (msg.attempts >= 5) {
        await recordOutcome(
          db(),
          job,
          await job.fail(
            "INTERNAL_ERROR",
            "Embedding failed repeatedly. Re-index the document to try again.",
          ),
        );
        msg.ack();
      } else {
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }
  }
}
