/** A small WebSocket client for tests: collects frames and waits for the ones a test expects. */
export interface Frame {
  message_id: string;
  message_type: string;
  timestamp: string;
  data: Record<string, unknown>;
  session_id: string;
  task_id: string | null;
}

export class TestSocket {
  readonly frames: Frame[] = [];
  private waiters: {
    match: (f: Frame) => boolean;
    resolve: (f: Frame) => void;
    reject: (e: Error) => void;
    timer: ReturnType<typeof setTimeout>;
  }[] = [];
  readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (ev) => {
      const f = JSON.parse(String(ev.data)) as Frame;
      this.frames.push(f);
      for (const w of [...this.waiters]) {
        if (w.match(f)) {
          clearTimeout(w.timer);
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(f);
        }
      }
    });
  }

  static open(url: string, headers?: Record<string, string>): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, headers ? ({ headers } as unknown as string[]) : undefined);
      const socket = new TestSocket(ws);
      ws.addEventListener("open", () => resolve(socket), { once: true });
      ws.addEventListener("error", () => reject(new Error(`WebSocket to ${url} failed`)), {
        once: true,
      });
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or coming) matching `match`. */
  next(match: (f: Frame) => boolean, timeoutMs = 15_000, from = 0): Promise<Frame> {
    const seen = this.frames.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame in ${timeoutMs} ms; got ${this.frames.map((f) => f.message_type).join(",")}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({ match, resolve, reject, timer });
    });
  }

  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.message_type === type);
  }

  close(): void {
    this.ws.close();
  }
}
