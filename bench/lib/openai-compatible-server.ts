/**
 * A local OpenAI-compatible server (POST /v1/chat/completions, streaming SSE in the real API's
 * shape, usage in the final chunk). It answers with a fixed script of tokens, instantly or with
 * a set delay between tokens, so the chat bench and the end-to-end tests can measure and
 * interrupt a real provider stream without a network.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

export interface FakeOpenAIOptions {
  /** Tokens of every answer (defaults to a 60-token sentence). */
  tokens?: string[];
  /** Delay between tokens, ms (0: as fast as the socket takes them). */
  interTokenDelayMs?: number;
}

export interface FakeOpenAI {
  url: string;
  /** Requests received (parsed JSON bodies), for tests that check what the product sent. */
  requests: Record<string, unknown>[];
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export const DEFAULT_TOKENS = Array.from({ length: 60 }, (_, i) => `token${i} `);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString()));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const tokens = opts.tokens ?? DEFAULT_TOKENS;
  let delay = opts.interTokenDelayMs ?? 0;
  const requests: Record<string, unknown>[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    requests.push(body);
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = String(body.model ?? "fake");
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (const t of tokens) {
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return;
      res.write(chunk({ content: t }, null));
    }
    res.write(chunk({}, "stop"));
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 42, completion_tokens: tokens.length, total_tokens: 42 + tokens.length } })}\n\n`);
    res.end("data: [DONE]\n\n");
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    setDelay: (ms) => void (delay = ms),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
