/**
 * What the two pipeline stages' consumers (ingestion, embedding) share: the batch context, the
 * retry policy, and what their last attempt does. A stage that keeps failing fails its job
 * with a reason the owner sees (and settles it), rather than leaving it to a dead letter no
 * owner reads.
 */
import type { Sql } from "postgres";
import { openDatabase } from "../../db/client.ts";
import type { WorkerEnv } from "../../env.ts";
import { STANDARD_BACKOFF } from "../dead-letter.ts";
import type { RetryPolicy } from "../queue-consumer.ts";
import { settleJob } from "./settle.ts";
import type { JobStub } from "./settle.ts";

export interface StageBatch {
  env: WorkerEnv;
  /** One client for the batch; the runtime closes its sockets when the invocation ends. */
  db: () => Sql;
  job: (jobId: string) => JobStub;
}

export function stageBatch(env: WorkerEnv): StageBatch {
  let sql: Sql | undefined;
  return {
    env,
    db: () => (sql ??= openDatabase(env.HYPERDRIVE.connectionString)),
    job: (jobId) => env.INGESTION_JOB.get(env.INGESTION_JOB.idFromName(jobId)),
  };
}

/** wrangler.toml allows 6 deliveries; the 5th failure fails the job, so the owner hears why. */
export const STAGE_RETRY: RetryPolicy = { maxAttempts: 5, backoff: STANDARD_BACKOFF };

/** A stage's `giveUp`: the job fails with `message` (INTERNAL_ERROR) and is settled. */
export function failJobWith(message: string) {
  return async (parsed: { data: { job_id: string } }, batch: StageBatch): Promise<void> => {
    const job = batch.job(parsed.data.job_id);
    await settleJob(batch.db(), job, await job.fail("INTERNAL_ERROR", message));
  };
}
