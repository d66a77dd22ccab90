/**
 * A stage that is still running proves it to its job with heartbeats, so the watchdog does not
 * re-drive a slow stage in a loop: the ingestion stage beats while it waits on storage, and
 * the embedding stage while it embeds. The watchdog period is shortened in the stage's env
 * (INGESTION_WATCHDOG_MS) so beats come every few milliseconds; the test waits for a beat to
 * land, it never measures time.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { WorkerEnv } from "../../../workers/env.ts";
import { signIn } from "../helpers.ts";
import {
  deliver,
  holdPipelineQueues,
  ingestText,
  jobStub,
  sentences,
  status,
  take,
} from "./pipeline.ts";

holdPipelineQueues();

/** `env` with a fast watchdog whose DOCUMENTS.get waits for `gate` on keys matching `hold`. */
function slowStorage(hold: RegExp, gate: Promise<void>): WorkerEnv {
  const documents = new Proxy(env.DOCUMENTS, {
    get: (target, prop) => {
      const value: unknown = Reflect.get(target, prop);
      if (prop !== "get" || typeof value !== "function")
        return typeof value === "function" ? value.bind(target) : value;
      return async (key: string, ...rest: unknown[]) => {
        if (hold.test(key)) await gate;
        return (value as (...a: unknown[]) => unknown).call(target, key, ...rest);
      };
    },
  });
  return { ...env, DOCUMENTS: documents, INGESTION_WATCHDOG_MS: "100" };
}

/** Resolves once the job has heard a heartbeat after `since`. */
async function heartbeatAfter(jobId: string, since: number): Promise<number> {
  for (;;) {
    const alive = (await jobStub(jobId).getState())?.alive_at ?? 0;
    if (alive > since) return alive;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("a running stage's heartbeat", () => {
  it("reaches the job while the ingestion stage waits, and the stage then finishes", async () => {
    const owner = await signIn();
    const run = await ingestText(owner.token, sentences(200), { chunk_size: 64, chunk_overlap: 8 });
    const since = (await jobStub(run.job_id).getState())?.alive_at ?? 0;
    let open = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const delivered = deliver("ingestion", take("ingestion", run.job_id), {
      env: slowStorage(/\/original$/, gate),
    });
    const first = await heartbeatAfter(run.job_id, since);
    expect(await heartbeatAfter(run.job_id, first)).toBeGreaterThan(first); // it keeps beating while it waits
    open();
    expect(await delivered).toEqual({ acks: 1, retries: 0 });
    expect((await status(owner.token, run.job_id)).stage).toBe("embedding");
  });

  it("reaches the job while an embedding batch is being processed", async () => {
    const owner = await signIn();
    const run = await ingestText(owner.token, sentences(200), { chunk_size: 64, chunk_overlap: 8 });
    await deliver("ingestion", take("ingestion", run.job_id));
    const since = (await jobStub(run.job_id).getState())?.alive_at ?? 0;
    const [batch] = take("embedding", run.job_id);
    expect(
      await deliver("embedding", [batch], { env: { ...env, INGESTION_WATCHDOG_MS: "100" } }),
    ).toEqual({ acks: 1, retries: 0 });
    expect((await jobStub(run.job_id).getState())?.alive_at).toBeGreaterThan(since);
  });
});
