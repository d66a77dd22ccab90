/**
 * PGlite is one Postgres session; pglite-socket lets many client connections share it by
 * queueing their wire messages. Its own queue keeps a connection exclusive only while a
 * transaction is open, and decides message by message, so one connection's extended-protocol
 * pipeline (Parse, Bind, Execute ... Sync) can be cut by another's: the second Parse/Bind
 * replaces the unnamed statement and portal, and the first gets `portal "" does not exist`.
 *
 * This queue keeps the session with one connection from its first message until it is at a
 * clean boundary: its last message was a Sync, a simple Query or a startup/terminate message,
 * and no transaction is open. Other connections wait their turn, as they would for a lock.
 * Same interface as pglite-socket's QueryQueueManager, installed by embedded-postgres.ts.
 */
import type { PGlite } from "@electric-sql/pglite";

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (err: unknown) => void;
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/** True when a message leaves its connection at a boundary another connection may follow. */
export function endsExchange(message: Uint8Array): boolean {
  const type = message[0];
  // Startup, SSL and cancel requests start with a length whose first byte is 0.
  return type === SYNC || type === QUERY || type === TERMINATE || type === 0;
}

export class SessionQueryQueue {
  private queue: Pending[] = [];
  private processing = false;
  /** The connection the session belongs to until it reaches a boundary, or null. */
  private owner: number | null = null;

  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.processQueue();
    });
  }

  private next(): Pending | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((p) => p.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async processQueue(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let item = this.next(); item; item = this.next()) {
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          this.owner = null;
          item.reject(err);
          continue;
        }
        this.owner =
          endsExchange(item.message) && !this.db.isInTransaction() ? null : item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((p) => {
      if (p.handlerId !== handlerId) return true;
      p.reject(new Error("Handler disconnected"));
      return false;
    });
  }

  /** A connection that goes away while it holds the session: roll back and let the others on. */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK");
    this.owner = null;
    await this.processQueue();
  }
}
