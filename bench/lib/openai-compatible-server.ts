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
  /** Tokens for one request (overrides `tokens`), e.g. an answer unique to each turn. */
  tokensFor?: (body: Record<string, unknown>) => string[];
  /**
   * Called when a request arrives with a record that then fills in as the answer streams:
   * `writes[i]` is `performance.now()` (this process's clock) right after token i was written.
   */
  onStream?: (record: StreamRecord) => void;
}

export interface StreamRecord {
  body: Record<string, unknown>;
  receivedAt: number;
  tokens: string[];
  writes: number[];
  /** The last user message of the request (how a caller recognises its own turn). */
  lastUserMessage: string;
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

/**
 * Embeddings for POST /v1/embeddings: a 1536-dimension hashed bag of words, so texts sharing
 * words are close. Not a model: enough for tests that need the OpenAI embeddings wire format.
 */
function hashedEmbedding(text: string): number[] {
  const v = new Array<number>(1536).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 2166136261;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
    v[(h >>> 0) % 1536] = (v[(h >>> 0) % 1536] ?? 0) + 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startFakeOpenAI(opts: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const tokens = opts.tokens ?? DEFAULT_TOKENS;
  let delay = opts.interTokenDelayMs ?? 0;
  const requests: Record<string, unknown>[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && req.url?.endsWith("/embeddings")) {
      const body = JSON.parse(await readBody(req)) as {
        input: string | string[];
        model?: string;
        encoding_format?: string;
      };
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      // The openai SDK asks for base64 (little-endian float32) unless told otherwise, as the real API allows.
      const encode = (v: number[]) =>
        body.encoding_format === "base64"
          ? Buffer.from(new Float32Array(v).buffer).toString("base64")
          : v;
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          object: "list",
          model: body.model ?? "text-embedding-3-small",
          data: inputs.map((text, index) => ({
            object: "embedding",
            index,
            embedding: encode(hashedEmbedding(text)),
          })),
          usage: { prompt_tokens: inputs.join(" ").length, total_tokens: inputs.join(" ").length },
        }),
      );
      return;
    }
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
      return;
    }
    const receivedAt = performance.now();
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    requests.push(body);
    const answer = opts.tokensFor?.(body) ?? tokens;
    const messages = Array.isArray(body.messages)
      ? (body.messages as { role?: string; content?: unknown }[])
      : [];
    const lastUser = messages.filter((m) => m.role === "user").at(-1);
    const record: StreamRecord = {
      body,
      receivedAt,
      tokens: answer,
      writes: [],
      lastUserMessage: typeof lastUser?.content === "string" ? lastUser.content : "",
    };
    opts.onStream?.(record);
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = String(body.model ?? "fake");
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (const t of answer) {
      if (delay > 0) await sleep(delay);
      if (res.destroyed) return;
      res.write(chunk({ content: t }, null));
      record.writes.push(performance.now());
    }
    res.write(chunk({}, "stop"));
    res.write(
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [], usage: { prompt_tokens: 42, completion_tokens: answer.length, total_tokens: 42 + answer.length } })}\n\n`,
    );
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
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
