/**
 * The one WebSocket client of the web app: connects, parses every frame with a schema from
 * shared/protocol, reconnects with backoff after a drop (calling `onOpen` again, so a chat can
 * send `resume` and an upload can catch up), and stops for good on `close()` or when
 * `shouldReconnect` says so (a final frame, an auth failure).
 */
import type { z } from "zod";

export type SocketStatus = "connecting" | "open" | "reconnecting" | "closed";

export interface SocketOptions<F> {
  /** Absolute ws(s):// URL, or a path resolved against the page's origin. */
  url: string | (() => string);
  /** Parses one decoded JSON frame (a shared/protocol schema). */
  schema: z.ZodType<F>;
  onFrame: (frame: F) => void;
  onOpen?: (reconnected: boolean) => void;
  onStatus?: (status: SocketStatus) => void;
  /** A frame that does not match the schema (kept visible for debugging, never thrown). */
  onInvalid?: (raw: unknown, error: unknown) => void;
  /** Asked after every close; false ends it (default: reconnect unless close() was called). */
  shouldReconnect?: (event: CloseEvent) => boolean;
  /** Backoff bounds in ms (default 250 .. 8000, doubled each attempt, with jitter). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface ManagedSocket {
  send(frame: unknown): boolean;
  close(): void;
  status(): SocketStatus;
}

export function toWebSocketUrl(pathOrUrl: string): string {
  if (/^wss?:\/\//.test(pathOrUrl)) return pathOrUrl;
  const url = new URL(pathOrUrl, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export function openSocket<F>(options: SocketOptions<F>): ManagedSocket {
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 8000;
  let ws: WebSocket | null = null;
  let status: SocketStatus = "connecting";
  let stopped = false;
  let attempts = 0;
  let opened = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const setStatus = (next: SocketStatus) => {
    status = next;
    options.onStatus?.(next);
  };

  const connect = () => {
    const url = toWebSocketUrl(typeof options.url === "function" ? options.url() : options.url);
    const socket = new WebSocket(url);
    ws = socket;
    socket.onopen = () => {
      attempts = 0;
      setStatus("open");
      options.onOpen?.(opened);
      opened = true;
    };
    socket.onmessage = (event) => {
      let raw: unknown;
      try {
        raw = JSON.parse(typeof event.data === "string" ? event.data : "");
      } catch (err) {
        options.onInvalid?.(event.data, err);
        return;
      }
      const parsed = options.schema.safeParse(raw);
      if (parsed.success) options.onFrame(parsed.data);
      else options.onInvalid?.(raw, parsed.error);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      if (stopped || (options.shouldReconnect && !options.shouldReconnect(event))) {
        stopped = true;
        setStatus("closed");
        return;
      }
      setStatus("reconnecting");
      const delay = Math.min(maxDelay, minDelay * 2 ** attempts) * (0.75 + Math.random() * 0.5);
      attempts++;
      timer = setTimeout(connect, delay);
    };
  };

  setStatus("connecting");
  connect();

  return {
    send(frame) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      ws?.close(1000, "closed by the page");
      ws = null;
      setStatus("closed");
    },
    status: () => status,
  };
}
