/** What an owner can build from: agent templates and the models configured here. */
import { createRoute, z } from "@hono/zod-openapi";
import { AgentTemplateSchema, ModelSchema } from "../../../shared/api/agents.ts";
import { listTemplates } from "../../db/agents.ts";
import { availableModels } from "../../llm/models.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { bearerSecurity, createRouter, errorResponses } from "../router.ts";

export const templateRoutes = createRouter();
templateRoutes.use("*", requireOwner);
templateRoutes.openapi(
  createRoute({
    method: "get", path: "/", tags: ["agents"], summary: "Agent templates (the five personas)", security: bearerSecurity,
    responses: { 200: { description: "Templates", content: { "application/json": { schema: z.object({ templates: z.array(AgentTemplateSchema) }) } } }, ...errorResponses(401) },
  }),
  async (c) => c.json({ templates: await listTemplates(c.var.db()) }, 200),
);

export const modelRoutes = createRouter();
modelRoutes.use("*", requireOwner);
modelRoutes.openapi(
  createRoute({
    method: "get", path: "/", tags: ["agents"], summary: "Models from the providers configured on this server", security: bearerSecurity,
    responses: { 200: { description: "Models", content: { "application/json": { schema: z.object({ models: z.array(ModelSchema) }) } } }, ...errorResponses(401) },
  }),
  (c) => c.json({ models: availableModels(c.env) }, 200),
);
