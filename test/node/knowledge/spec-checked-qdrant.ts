/**
 * The fake Qdrant (test/worker/knowledge/fake-qdrant.ts) served over real HTTP on 127.0.0.1,
 * with every exchange checked against Qdrant's OpenAPI document (test/support/qdrant-openapi.ts):
 * the request before the fake sees it, the answer before the client does. QdrantStore talks
 * to it through its ordinary client, as it would to a server, with nothing stubbed.
 *
 * A request the document refuses (unknown path or method, a parameter or body that does not
 * validate) is answered 400 in Qdrant's error shape and recorded, and so is an answer of the
 * fake that does not validate; tests assert `violations` stays empty.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FakeQdrant } from "../../worker/knowledge/fake-qdrant.ts";
import type { QdrantSpec } from "../../support/qdrant-openapi.ts";

export interface SpecCheckedQdrant {
  url: string;
  fake: FakeQdrant;
  /** One line per request or answer the document refuses. */
  violations: string[];
  /** The operation ids of every request that matched one. */
  operations: Set<string>;
  close(): Promise<void>;
}

export async function startSpecCheckedQdrant(spec: QdrantSpec): Promise<SpecCheckedQdrant> {
  const violations: string[] = [];
  const operations = new Set<string>();
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string")
    throw new Error("the server has no TCP address");
  const url = `http://127.0.0.1:${address.port}`;
  const fake = new FakeQdrant(url);
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    void exchange(spec, fake, req, res, violations, operations).catch((err: unknown) => {
      violations.push(`${req.method} ${req.url}: the fake threw ${String(err)}`);
      send(res, 500, { status: { error: String(err) }, time: 0 });
    });
  });
  return {
    url,
    fake,
    violations,
    operations,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      ),
  };
}

async function exchange(
  spec: QdrantSpec,
  fake: FakeQdrant,
  req: IncomingMessage,
  res: ServerResponse,
  violations: string[],
  operations: Set<string>,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString("utf8");
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const headers = Object.fromEntries(
    Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
  );
  const body: unknown = text ? JSON.parse(text) : undefined;
  const where = `${method} ${url.pathname}${url.search}`;

  const check = spec.checkRequest({
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers,
    body,
  });
  if (check.operationId) operations.add(check.operationId);
  if (check.errors.length > 0 || !check.operationId) {
    violations.push(`request ${where}: ${check.errors.join("; ")}`);
    send(res, 400, { status: { error: `Not Qdrant's API: ${check.errors.join("; ")}` }, time: 0 });
    return;
  }

  const answer = await fake.fetch(new URL(`${url.pathname}${url.search}`, fake.origin), {
    method,
    headers,
    ...(text ? { body: text } : {}),
  });
  const answerText = await answer.text();
  const answerBody: unknown = answerText ? JSON.parse(answerText) : undefined;
  const errors = spec.checkResponse(check.operationId, answer.status, answerBody);
  if (errors.length > 0)
    violations.push(
      `answer ${answer.status} to ${where} (${check.operationId}): ${errors.join("; ")}`,
    );
  res.writeHead(answer.status, {
    "content-type": answer.headers.get("content-type") ?? "application/json",
  });
  res.end(answerText);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
