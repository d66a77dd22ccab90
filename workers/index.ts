/**
 * The one Worker entry: HTTP API and WebSockets through the Hono app, the queue consumers,
 * and the Durable Object classes.
 */
import { app } from "./api/app.ts";
import type { WorkerEnv } from "./env.ts";
import { handleQueue } from "./queue.ts";

export { ChatSession } from "../durable-objects/chat-session/chat-session.ts";
export { IngestionJob } from "../durable-objects/ingestion-job/ingestion-job.ts";
export { KnowledgeBase } from "../durable-objects/knowledge-base/knowledge-base.ts";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  queue: (batch, env, ctx) => handleQueue(batch, env, ctx),
} satisfies ExportedHandler<WorkerEnv>;
