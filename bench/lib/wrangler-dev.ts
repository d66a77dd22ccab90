/**
 * Starts the Worker the way `wrangler dev` does (wrangler's DevEnv through `unstable_startWorker`:
 * the proxy worker in front, the Worker in workerd, local queues, Durable Objects and
 * Hyperdrive), listening on 127.0.0.1 at a free port, with bindings given in code.
 *
 * Why not wrangler's `createTestHarness`: it installs an `outboundService` that routes every
 * `fetch` the Worker makes through a function in this Node process (`globalThis.fetch`). For
 * the chat bench that put each streamed LLM chunk through the bench's own event loop twice
 * (loopback to Node, then Node's fetch to the fake server), a hop `wrangler dev` does not have:
 * there workerd fetches the provider itself.
 */
import { unstable_startWorker } from "wrangler";

export interface WorkerLog {
  level: string;
  message: string;
}

export interface DevWorker {
  url: string;
  /** host:port of workerd's inspector, when started with `inspect`. */
  inspectorHost: string | null;
  logs(): WorkerLog[];
  close(): Promise<void>;
}

export async function startDevWorker(opts: {
  configPath: string;
  /** Another entry module than the config's `main` (e.g. the product wrapped with counters). */
  entrypoint?: string;
  vars: Record<string, string>;
  secrets: Record<string, string>;
  inspect?: boolean;
}): Promise<DevWorker> {
  const logs: WorkerLog[] = [];
  const bindings = {
    ...Object.fromEntries(
      Object.entries(opts.vars).map(([k, value]) => [k, { type: "plain_text" as const, value }]),
    ),
    ...Object.fromEntries(
      Object.entries(opts.secrets).map(([k, value]) => [
        k,
        { type: "secret_text" as const, value },
      ]),
    ),
  };
  const worker = await unstable_startWorker({
    config: opts.configPath,
    ...(opts.entrypoint ? { entrypoint: opts.entrypoint } : {}),
    bindings,
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: opts.inspect ? { port: 0 } : false,
      persist: false,
      watch: false,
      logLevel: "none",
      structuredLogsHandler: (log: WorkerLog) =>
        void logs.push({ level: log.level, message: log.message }),
    },
  });
  await worker.ready;
  const url = (await worker.url).toString().replace(/\/$/, "");
  const inspectorHost = opts.inspect ? ((await worker.inspectorUrl)?.host ?? null) : null;
  return { url, inspectorHost, logs: () => [...logs], close: () => worker.dispose() };
}
