/**
 * The minimal relay: the physical baseline of a chat turn for bench:chat. A Worker that hands
 * each WebSocket to a Durable Object (one per session, hibernatable sockets as the product's
 * ChatSession uses), and an object that, for each `chat_message`, streams the local
 * OpenAI-compatible server with the same request options as the product and forwards what each
 * network read brings as one `chat_streaming` frame, then `chat_response`.
 *
 * What it leaves out is what the product adds per turn: authentication, storage (message,
 * task, chunks, outbox, alarm), the agent snapshot and prompt, the provider SDK, queues and
 * Postgres. Whatever it costs is the floor that workerd, sockets and the fake LLM impose; the
 * product's CPU per turn is reported as a multiple of it.
 *
 * Frames carry the fields the bench's client reads (`message_type`, `data`, `task_id`), with
 * the product's shapes, so the same client code and the same correctness checks drive both.
 * Per network read, not per SSE event: the product relays a read's deltas as one chunk
 * (workers/llm/sse-batches.ts); forwarding each event alone would make the floor costlier
 * than the product's own framing and flatter the ratio.
 *
 * Hand-written SSE reading (split on blank lines, JSON.parse of `data:`) rather than a library:
 * the baseline must be the least work that relays the same stream, and the fake server's
 * output is known (one `data:` line per event).
 */
import { DurableObject } from "cloudflare:workers";

interface RelayEnv {
  RELAY: DurableObjectNamespace<Relay>;
  OPENAI_BASE_URL: string;
  OPENAI_API_KEY: string;
}

interface ChatCompletionChunk {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
}

const frame = (messageType: string, data: object, taskId: string | null = null) =>
  JSON.stringify({ message_type: messageType, data, task_id: taskId });

export class Relay extends DurableObject<RelayEnv> {
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("Expected a WebSocket upgrade.", { status: 426 });
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    pair[1].send(frame("connection_ack", {}));
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== "string") return;
    const parsed = JSON.parse(message) as { message_type?: string; data?: { content?: unknown } };
    if (parsed.message_type === "ping") return ws.send(frame("pong", {}));
    if (parsed.message_type !== "chat_message" || typeof parsed.data?.content !== "string") {
      ws.send(frame("error", { code: "INVALID_FRAME", message: "Expected chat_message." }));
      return;
    }
    const taskId = crypto.randomUUID();
    ws.send(frame("chat_processing", { task_id: taskId, mode: "simple", attempt: 1 }, taskId));
    try {
      await this.stream(ws, taskId, parsed.data.content);
    } catch (err) {
      ws.send(frame("chat_error", { code: "LLM_UNAVAILABLE", message: String(err) }, taskId));
    }
  }

  private async stream(ws: WebSocket, taskId: string, content: string): Promise<void> {
    const res = await fetch(`${this.env.OPENAI_BASE_URL}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${this.env.OPENAI_API_KEY}`,
      },
      body: JSON.stringify({
        model: "fake-model",
        messages: [{ role: "user", content }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    if (!res.ok || !res.body) throw new Error(`the LLM server answered ${res.status}`);
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let answer = "";
    let idx = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      let text = "";
      for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
        const chunk = JSON.parse(event.slice(6)) as ChatCompletionChunk;
        text += chunk.choices?.[0]?.delta?.content ?? "";
      }
      if (!text) continue;
      answer += text;
      ws.send(
        frame(
          "chat_streaming",
          { content: text, chunk_index: idx++, is_final: false, attempt: 1 },
          taskId,
        ),
      );
    }
    ws.send(
      frame(
        "chat_streaming",
        { content: "", chunk_index: idx, is_final: true, attempt: 1 },
        taskId,
      ),
    );
    ws.send(frame("chat_response", { message: answer }, taskId));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // the runtime already completed the close handshake
    }
  }
}

export default {
  async fetch(request, env) {
    const session = /^\/ws\/([\w-]{1,64})$/.exec(new URL(request.url).pathname)?.[1];
    if (!session) return new Response("Not found.", { status: 404 });
    return env.RELAY.get(env.RELAY.idFromName(session)).fetch(request);
  },
} satisfies ExportedHandler<RelayEnv>;
