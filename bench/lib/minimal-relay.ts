/**
 * Starts the minimal relay (bench/relay/worker.ts) the way the product is started (wrangler's
 * DevEnv: its own proxy worker and its own workerd), pointed at the bench's fake LLM. Its
 * processes are told from the product's by what they do (chat-costs.ts: classifyWorkerd).
 */
import { startDevWorker } from "./wrangler-dev.ts";

export interface MinimalRelay {
  /** WebSocket URL of a new session (one Durable Object per session id). */
  socketUrl(sessionId: string): string;
  close(): Promise<void>;
}

export async function startMinimalRelay(llmUrl: string): Promise<MinimalRelay> {
  const worker = await startDevWorker({
    configPath: new URL("../relay/wrangler.toml", import.meta.url).pathname,
    vars: { OPENAI_BASE_URL: llmUrl, OPENAI_API_KEY: "sk-bench" },
    secrets: {},
  });
  const wsBase = worker.url.replace(/^http/, "ws");
  return {
    socketUrl: (sessionId) => `${wsBase}/ws/${sessionId}`,
    close: () => worker.close(),
  };
}
