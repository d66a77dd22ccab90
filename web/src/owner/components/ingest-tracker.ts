/**
 * Live progress of the owner's ingestion jobs. Each job listens on its progress WebSocket
 * (lib/socket.ts, frames parsed with shared/protocol); while the socket is down, the status
 * endpoint is asked instead. Unfinished jobs are kept in localStorage, so a reload picks them
 * up again where they are.
 */
import { onCleanup } from "solid-js";
import { createStore } from "solid-js/store";
import { z } from "zod";
import { FrameEnvelopeSchema } from "../../../../shared/protocol/frame.ts";
import { IngestionProgressSchema } from "../../../../shared/protocol/ingestion.ts";
import type { IngestionProgress } from "../../../../shared/protocol/ingestion.ts";
import { ApiError, errorMessage } from "../../lib/api.ts";
import { accessToken } from "../../lib/auth.ts";
import { openSocket } from "../../lib/socket.ts";
import type { ManagedSocket } from "../../lib/socket.ts";
import { ingestStatus } from "../api/ingest.ts";
import type { UploadItemState } from "./UploadProgress.tsx";

export const ACTIVE_JOBS_KEY = "nooble.ingest-jobs";

export interface TrackedUpload extends UploadItemState {
  /** Local id (the job id once the server gave one). */
  key: string;
  job_id?: string;
  document_id?: string;
}

const StoredJobSchema = z.object({
  job_id: z.string(),
  document_id: z.string(),
  name: z.string(),
  websocket_url: z.string().optional(),
});
type StoredJob = z.infer<typeof StoredJobSchema>;

function readStored(): StoredJob[] {
  try {
    const parsed = z
      .array(StoredJobSchema)
      .safeParse(JSON.parse(localStorage.getItem(ACTIVE_JOBS_KEY) ?? "[]"));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

function writeStored(jobs: StoredJob[]): void {
  if (jobs.length) localStorage.setItem(ACTIVE_JOBS_KEY, JSON.stringify(jobs));
  else localStorage.removeItem(ACTIVE_JOBS_KEY);
}

const isTerminal = (p: IngestionProgress) =>
  p.stage === "completed" ||
  p.stage === "failed" ||
  p.stage === "cancelled" ||
  p.status !== "processing";

/** Progress frames arrive in the shared envelope: `{message_type: "ingestion_progress", data}`. */
export const ProgressFrameSchema = FrameEnvelopeSchema.transform((f) =>
  f.message_type === "ingestion_progress" ? IngestionProgressSchema.safeParse(f.data) : null,
);

export function createIngestTracker(
  options: { onSettled?: (progress: IngestionProgress) => void } = {},
) {
  const [store, setUploads] = createStore<TrackedUpload[]>([]);
  /** Reactive; items keep their identity across updates (the list does not re-render them). */
  const uploads = () => store;
  const sockets = new Map<string, ManagedSocket>();
  const polls = new Map<string, ReturnType<typeof setInterval>>();
  let disposed = false;

  const patch = (key: string, change: Partial<TrackedUpload>) =>
    setUploads((u) => u.key === key, change);

  const stopWatching = (key: string) => {
    sockets.get(key)?.close();
    sockets.delete(key);
    clearInterval(polls.get(key));
    polls.delete(key);
  };

  const settle = (key: string, progress: IngestionProgress) => {
    stopWatching(key);
    writeStored(readStored().filter((j) => j.job_id !== progress.job_id));
    options.onSettled?.(progress);
  };

  const apply = (key: string, progress: IngestionProgress) => {
    const before = uploads().find((u) => u.key === key);
    if (!before || disposed) return;
    // Frames can overtake a status answer: never move backwards within one job.
    if (before.progress && !isTerminal(progress) && progress.progress < before.progress.progress)
      return;
    patch(key, { progress, error: undefined });
    if (isTerminal(progress)) settle(key, progress);
  };

  const poll = async (key: string, jobId: string) => {
    try {
      apply(key, await ingestStatus(jobId));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        stopWatching(key);
        writeStored(readStored().filter((j) => j.job_id !== jobId));
        patch(key, {
          error:
            "This upload's progress is no longer available; see its status in the document list.",
        });
      }
      // other failures: the socket or the next poll will tell
    }
  };

  const watch = async (key: string, job: StoredJob) => {
    let token = (await accessToken()) ?? "";
    if (disposed) return;
    const base = job.websocket_url ?? `/ws/ingest/${encodeURIComponent(job.job_id)}`;
    const socket = openSocket({
      url: () => `${base}${base.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`,
      schema: ProgressFrameSchema,
      onFrame: (frame) => {
        if (frame?.success) apply(key, frame.data);
      },
      onStatus: (status) => {
        if (status === "open") {
          clearInterval(polls.get(key));
          polls.delete(key);
          patch(key, { connection: undefined });
        } else if (status === "reconnecting") {
          patch(key, { connection: "reconnecting" });
          void accessToken().then((t) => {
            token = t ?? token;
          });
          // While the socket is down, ask the status endpoint (every 2 s).
          if (!polls.has(key)) {
            void poll(key, job.job_id);
            polls.set(
              key,
              setInterval(() => void poll(key, job.job_id), 2000),
            );
          }
        }
      },
      maxDelayMs: 5000,
    });
    sockets.set(key, socket);
  };

  /** Follow a job the server just accepted. */
  const track = (key: string, job: StoredJob) => {
    writeStored([...readStored().filter((j) => j.job_id !== job.job_id), job]);
    patch(key, { job_id: job.job_id, document_id: job.document_id });
    void watch(key, job);
  };

  /** A file being sent: shown at once, followed once the server answers. */
  const begin = (name: string): string => {
    const key = `local-${crypto.randomUUID()}`;
    setUploads((list) => [{ key, name, progress: null }, ...list]);
    return key;
  };

  const fail = (key: string, error: unknown) => patch(key, { error: errorMessage(error) });

  /** How much of a file has been sent (0..1), while it is being sent. */
  const sending = (key: string, fraction: number) =>
    patch(key, { sent: Math.min(1, Math.max(0, fraction)) });

  const dismiss = (key: string) => {
    stopWatching(key);
    const job = uploads().find((u) => u.key === key);
    if (job?.job_id) writeStored(readStored().filter((j) => j.job_id !== job.job_id));
    setUploads((list) => list.filter((u) => u.key !== key));
  };

  /** After a reload: the jobs that were still running, at their current progress. */
  const restore = () => {
    for (const job of readStored()) {
      if (uploads().some((u) => u.job_id === job.job_id)) continue;
      const key = job.job_id;
      setUploads((list) => [
        ...list,
        {
          key,
          name: job.name,
          progress: null,
          job_id: job.job_id,
          document_id: job.document_id,
          connection: "polling",
        },
      ]);
      void poll(key, job.job_id).then(() => {
        const now = uploads().find((u) => u.key === key);
        if (now && !now.error && !(now.progress && isTerminal(now.progress))) void watch(key, job);
        else patch(key, { connection: undefined });
      });
    }
  };

  onCleanup(() => {
    disposed = true;
    for (const key of [...sockets.keys(), ...polls.keys()]) stopWatching(key);
  });

  return { uploads, begin, sending, track, fail, dismiss, restore };
}
