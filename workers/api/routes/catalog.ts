/** What an owner can build from: agent templates and the models configured here. */
import { createRoute, z } from "@hono/zod-openapi";
import { AgentTemplateSchema, ModelListSchema } from "../../../shared/api/agents.ts";
import { listTemplates } from "../../db/agents.ts";
import { availableModels, defaultModel } from "../../llm/models.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { bearerSecurity, createRouter, errorResponses } from "../router.ts";

export const templateRoutes = createRouter();
templateRoutes.use("*", requireOwner);
templateRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["agents"],
    summary: "Agent templates (the five personas)",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Templates",
        content: {
          "application/json": { schema: z.object({ templates: z.array(AgentTemplateSchema) }) },
        },
      },
      ...errorResponses(401),
    },
  }),
  async (c) => c.json({ templates: await listTemplates(c.var.db(), defaultModel(c.env)) }, 200),
);

export const modelRoutes = createRouter();
modelRoutes.use("*", requireOwner);
modelRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["agents"],
    summary: "Models from the providers configured on this server",
    security: bearerSecurity,
    responses: {
      200: {
        description: "Models, and the one new agents get when they name none",
        content: { "application/json": { schema: ModelListSchema } },
      },
      ...errorResponses(401),
    },
  }),
  (c) => c.json({ models: availableModels(c.env), default_model: defaultModel(c.env) }, 200),
);
