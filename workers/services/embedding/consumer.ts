/**
 * Consumer of `nooble-embedding` (`embedding.batch.process`): embeds one batch of chunks and
 * upserts them under stable ids (document id + index), then reports the batch to the job.
 * A redelivered batch overwrites the same points and is counted once by the job. A batch
 * that was being embedded while its job was cancelled or failed removes what it stored.
 * Every run ends by settling the job with the state it left it in (see ingestion/settle.ts).
 */
import type { ActionData, DomainAction } from "../../../shared/actions.ts";
import { documentAgentIds, getDocument } from "../../db/documents.ts";
import type { Embedder } from "../../embeddings/types.ts";
import { selectEmbedder } from "../../embeddings/select.ts";
import { AppError } from "../../errors.ts";
import { withHeartbeat } from "../../ingestion/watchdog.ts";
import { selectVectorStore } from "../../knowledge/select.ts";
import type { VectorStore } from "../../knowledge/vector-store.ts";
import { isTerminal } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
import type { JobState } from "../../../durable-objects/ingestion-job/ingestion-job.state.ts";
import { ChunkBatchSchema, chunkId } from "../ingestion/chunk-batches.ts";
import { settleJob } from "../ingestion/settle.ts";
import type { JobStub } from "../ingestion/settle.ts";
import { STAGE_RETRY, failJobWith, stageBatch } from "../ingestion/stage.ts";
import type { StageBatch } from "../ingestion/stage.ts";
import { PoisonMessage, defineConsumer } from "../queue-consumer.ts";

interface EmbeddingBatch extends StageBatch {
  embedder: Embedder;
  store: VectorStore;
}

export const handleEmbeddingBatch = defineConsumer<"embedding", EmbeddingBatch>({
  service: "embedding",
  retry: STAGE_RETRY,
  batch: (env) => ({
    ...stageBatch(env),
    embedder: selectEmbedder(env),
    store: selectVectorStore(env),
  }),
  logFields: (parsed) => ({ job_id: parsed.data.job_id, batch_index: parsed.data.batch_index }),
  async handle(parsed, batch) {
    const job = batch.job(parsed.data.job_id);
    await settleJob(batch.db(), job, await embedBatch(batch, job, parsed.action, parsed.data));
  },
  giveUp: failJobWith("Embedding failed repeatedly. Re-index the document to try again."),
});

/** Embeds and indexes the batch; returns the job's state after it (for settling). */
async function embedBatch(
  { env, db, embedder, store }: EmbeddingBatch,
  job: JobStub,
  action: DomainAction,
  { job_id, document_id, batch_index, batch_key }: ActionData<"embedding.batch.process">,
): Promise<JobState | null> {
  const tenantId = action.tenant_id;
  const state = await job.getState();
  if (!state || state.tenant_id !== tenantId || state.document_id !== document_id)
    throw new PoisonMessage("the job does not exist or belongs to another document");
  if (state.stage !== "embedding" || state.batches_done.includes(batch_index)) return state;
  const object = await env.DOCUMENTS.get(batch_key);
  if (!object) {
    // The job ended (and removed its batches) since the check above: nothing left to do.
    const now = await job.getState();
    if (now && isTerminal(now)) return now;
    throw new Error(`chunk batch ${batch_key} is missing`);
  }
  const { chunks } = ChunkBatchSchema.parse(await object.json());
  try {
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
  } catch (err) {
    // The tenant's collection holds another model's vectors: no retry changes that.
    if (err instanceof AppError && err.code === "EMBEDDING_MISMATCH")
      return job.fail(err.code, err.message);
    throw err;
  }
  const after = await job.batchDone(batch_index, chunks.length);
  if (after && after.stage !== "completed" && after.stage !== "embedding") {
    // The job ended while this batch was embedded, and cleaned up before this upsert landed.
    const doc = await getDocument(db(), tenantId, document_id);
    if (!doc || doc.job_id === job_id) await store.deleteDocument(tenantId, document_id);
  }
  return after;
}
