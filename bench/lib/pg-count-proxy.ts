/**
 * A TCP proxy in front of Postgres that counts the queries passing through it, for the chat
 * bench's cost model: the Worker's Hyperdrive connection string points here, so every query
 * the product runs in a turn (the conversation consumer's writes, lookups) is counted from the
 * wire rather than read off the code.
 *
 * It reads only the frontend side of the protocol (client -> server): after the untyped startup
 * packets (SSLRequest, StartupMessage), every message is a type byte and a length. `Q` (simple
 * query) and `E` (execute of an extended-protocol portal) are queries run; a `Q` may hold
 * several statements, which this counts as one (what one round trip costs). Bytes are
 * forwarded untouched in both directions.
 */
import { Socket, createServer } from "node:net";
import type { Server } from "node:net";

export interface PgCountProxy {
  /** The connection string with host and port replaced by the proxy's. */
  url: string;
  /** Queries so far: `simple` (Q), `extended` (E), `connections` opened. */
  counts(): { simple: number; extended: number; connections: number };
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;

export async function startPgCountProxy(upstreamUrl: string): Promise<PgCountProxy> {
  const upstream = new URL(upstreamUrl);
  const totals = { simple: 0, extended: 0, connections: 0 };
  const sockets = new Set<Socket>();

  const onClient = (client: Socket) => {
    totals.connections++;
    const server = new Socket();
    server.connect(Number(upstream.port || 5432), upstream.hostname);
    for (const s of [client, server]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => (client.destroy(), server.destroy()));
    }
    server.pipe(client);
    let pending: Buffer = Buffer.alloc(0);
    let started = false;
    client.on("data", (data: Buffer) => {
      server.write(data);
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      for (;;) {
        if (!started) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          // After SSL/GSS negotiation requests the real startup message follows, still untyped.
          if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) started = true;
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1) + 1;
        if (pending.length < length) return;
        const type = String.fromCharCode(pending[0] ?? 0);
        if (type === "Q") totals.simple++;
        else if (type === "E") totals.extended++;
        pending = pending.subarray(length);
      }
    });
    client.on("end", () => server.end());
    server.on("end", () => client.end());
  };

  const server: Server = createServer(onClient);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = new URL(upstreamUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    url: url.toString(),
    counts: () => ({ ...totals }),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
