/**
 * The answer attempt streaming in this instance of a ChatSession: its chunks are kept in
 * memory, so each delta is relayed the moment it arrives, and written to SQLite in batches.
 *
 * Why not one write per chunk: a Durable Object holds every outgoing message behind its
 * output gate until the storage writes made before it are committed. A write per chunk put
 * a commit (~3 ms locally, far more with 20 busy sessions on two cores) in front of every
 * `chat_streaming` frame, and the commits of one object queue behind each other.
 *
 * Why this loses nothing: the chunks of a running attempt are only ever served from this
 * instance. A resume while it streams reads memory (see `after`). If the instance dies
 * (eviction, crash, deploy) the memory goes, but so does the attempt: the task is restarted
 * as a new attempt and the old attempt's chunks are dropped anyway (the protocol tells the
 * sockets with `chat_processing {attempt}`). The stored copy matters once the answer is
 * complete, and the last batch is written in the same transaction that marks the task
 * completed, before the final frame and `chat_response` can leave (output gate).
 * The periodic batches in between keep the final write small and the stored copy close to
 * what was streamed, for inspection; correctness does not depend on them.
 */
export interface StoredChunk {
  idx: number;
  content: string;
}

/**
 * How often a streaming attempt writes its new chunks. Each write is a commit that holds back
 * the frames sent after it, so not often: nothing but inspection reads them before the end.
 */
export const CHUNK_FLUSH_MS = 1_000;

export class LiveStream {
  readonly taskId: string;
  readonly attempt: number;
  private readonly chunks: string[] = [];
  private persisted = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly write: (taskId: string, firstIdx: number, contents: string[]) => void;
  private readonly flushMs: number;

  constructor(
    taskId: string,
    attempt: number,
    write: (taskId: string, firstIdx: number, contents: string[]) => void,
    flushMs = CHUNK_FLUSH_MS,
  ) {
    this.taskId = taskId;
    this.attempt = attempt;
    this.write = write;
    this.flushMs = flushMs;
  }

  /** Adds a chunk and returns its index; a write of the batch is scheduled, never done inline. */
  push(content: string): number {
    this.chunks.push(content);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.flushMs);
    return this.chunks.length - 1;
  }

  get count(): number {
    return this.chunks.length;
  }

  /** The chunks after index `afterIdx`, in order (what a resuming client misses). */
  after(afterIdx: number): StoredChunk[] {
    const from = Math.max(0, afterIdx + 1);
    return this.chunks.slice(from).map((content, i) => ({ idx: from + i, content }));
  }

  /** Writes the chunks not stored yet (synchronous statements of one turn commit together). */
  flush(): void {
    if (this.persisted < this.chunks.length) {
      this.write(this.taskId, this.persisted, this.chunks.slice(this.persisted));
      this.persisted = this.chunks.length;
    }
  }

  /** The attempt is over (done, failed or replaced): no further writes. */
  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
