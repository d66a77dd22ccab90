/**
 * The one Worker entry: HTTP API and WebSockets through the Hono app. Queue consumers and
 * Durable Object classes are added here as the chat and knowledge services land.
 */
import { app } from "./api/app.ts";
import type { WorkerEnv } from "./env.ts";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<WorkerEnv>;
