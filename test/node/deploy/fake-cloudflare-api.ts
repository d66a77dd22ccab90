/**
 * A local stand-in for the Cloudflare API v4 endpoints `npm run provision` calls, with the
 * real envelope ({success, errors, messages, result, result_info}), page-number pagination
 * on the list endpoints, R2's 404 for an unknown bucket and a 403 for a wrong token. No
 * account can be reached from here; this is what the provisioning tests talk to over HTTP.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeCloudflare {
  url: string;
  queues: string[];
  buckets: string[];
  hyperdrive: { id: string; name: string; origin: unknown }[];
  /** Every request, as "METHOD /path" (path after the account id). */
  requests: string[];
  close(): Promise<void>;
}

const PAGE_SIZE = 2;

export async function startFakeCloudflare(
  token: string,
  accountId: string,
): Promise<FakeCloudflare> {
  const state = {
    queues: [] as string[],
    buckets: [] as string[],
    hyperdrive: [] as FakeCloudflare["hyperdrive"],
    requests: [] as string[],
  };
  const server: Server = createServer((req, res) => void handle(req, res));

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const send = (status: number, body: object) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ messages: [], ...body }));
    };
    const fail = (status: number, code: number, message: string) =>
      send(status, { success: false, errors: [{ code, message }], result: null });
    const ok = (result: unknown, info?: object) =>
      send(200, { success: true, errors: [], result, ...(info ? { result_info: info } : {}) });
    const url = new URL(req.url ?? "/", "http://x");
    const prefix = `/client/v4/accounts/${accountId}/`;
    if (req.headers.authorization !== `Bearer ${token}`)
      return fail(403, 10000, "Authentication error");
    if (!url.pathname.startsWith(prefix)) return fail(404, 7003, "Could not route to this path");
    const path = url.pathname.slice(prefix.length);
    state.requests.push(`${req.method} ${path}`);
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const page = <T>(items: T[]) => {
      const n = Number(url.searchParams.get("page") ?? "1");
      return ok(items.slice((n - 1) * PAGE_SIZE, n * PAGE_SIZE), {
        page: n,
        per_page: PAGE_SIZE,
        total_pages: Math.max(1, Math.ceil(items.length / PAGE_SIZE)),
        total_count: items.length,
      });
    };

    if (path === "queues" && req.method === "GET")
      return page(state.queues.map((q, i) => ({ queue_id: `q${i}`, queue_name: q })));
    if (path === "queues" && req.method === "POST") {
      const name = String(body["queue_name"]);
      if (state.queues.includes(name))
        return fail(409, 11009, "A queue with this name already exists");
      state.queues.push(name);
      return ok({ queue_id: `q${state.queues.length}`, queue_name: name });
    }
    if (path.startsWith("r2/buckets/") && req.method === "GET") {
      const name = decodeURIComponent(path.slice("r2/buckets/".length));
      return state.buckets.includes(name)
        ? ok({ name, creation_date: new Date().toISOString() })
        : fail(404, 10006, "The specified bucket does not exist.");
    }
    if (path === "r2/buckets" && req.method === "POST") {
      const name = String(body["name"]);
      if (state.buckets.includes(name))
        return fail(409, 10004, "The bucket you tried to create already exists, and you own it.");
      state.buckets.push(name);
      return ok({ name });
    }
    if (path === "hyperdrive/configs" && req.method === "GET")
      return page(state.hyperdrive.map(({ id, name }) => ({ id, name })));
    if (path === "hyperdrive/configs" && req.method === "POST") {
      const config = {
        id: crypto.randomUUID().replaceAll("-", ""),
        name: String(body["name"]),
        origin: body["origin"],
      };
      state.hyperdrive.push(config);
      return ok({ id: config.id, name: config.name });
    }
    return fail(404, 7003, `No route for ${req.method} ${path}`);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/client/v4`,
    ...state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
