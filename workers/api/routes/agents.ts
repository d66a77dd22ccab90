/** The owner's agents: list, create (from a template or custom), read, change, duplicate, delete. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  AgentListQuerySchema,
  AgentListSchema,
  AgentSchema,
  CreateAgentSchema,
  DuplicateAgentSchema,
  UpdateAgentSchema,
} from "../../../shared/api/agents.ts";
import {
  deleteAgent,
  duplicateAgent,
  getAgent,
  getTemplate,
  insertAgent,
  listAgents,
  updateAgent,
} from "../../db/agents.ts";
import { AppError, notFound } from "../../errors.ts";
import { defaultExecutionConfig } from "../../../shared/config.ts";
import { defaultModel } from "../../llm/models.ts";
import { assertModelAvailable, mergeConfigs } from "../agent-input.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { forgetPublicProfileOnChange } from "../public-profile-cache.ts";
import { AgentSearchResponseSchema, AgentSearchSchema } from "../../../shared/api/documents.ts";
import { passesThreshold } from "../../knowledge/relevance.ts";
import { searchKnowledge, searchModeFor } from "../../chat/retrieve.ts";
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  isUuid,
  json,
  validationError,
} from "../router.ts";

const IdParam = z.object({ id: z.string().max(100) });
const agentNotFound = () => notFound("AGENT_NOT_FOUND", "The agent");
/** A malformed id names no agent: the same 404 as another tenant's id. */
const agentId = (id: string) => {
  if (!isUuid(id)) throw agentNotFound();
  return id.toLowerCase();
};

export const agentRoutes = createRouter();
agentRoutes.use("*", requireOwner);
agentRoutes.use("*", forgetPublicProfileOnChange);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["agents"],
    summary: "Your agents",
    security: bearerSecurity,
    request: { query: AgentListQuerySchema },
    responses: {
      200: { description: "A page of agents", ...json(AgentListSchema) },
      ...errorResponses(400, 401),
    },
  }),
  async (c) => {
    const q = c.req.valid("query");
    const { agents, total } = await listAgents(c.var.db(), c.var.tenant.id, q);
    return c.json({ agents, total, limit: q.limit, offset: q.offset }, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags: ["agents"],
    summary: "Create an agent from a template or custom",
    security: bearerSecurity,
    request: { body: { required: true, ...json(CreateAgentSchema) } },
    responses: {
      201: { description: "The new agent", ...json(AgentSchema) },
      ...errorResponses(400, 401, 409, 413),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const sql = c.var.db();
    let template = null;
    if (body.template_id !== undefined) {
      template = await getTemplate(sql, body.template_id, defaultModel(c.env));
      if (!template) {
        throw new AppError(
          "TEMPLATE_NOT_FOUND",
          400,
          `There is no agent template "${body.template_id}". GET /api/v1/agent-templates lists them.`,
          [{ field: "template_id", message: "unknown template" }],
        );
      }
    }
    // Without a template, the base is the defaults with this server's best model.
    const configs = mergeConfigs(
      template ?? { execution_config: { ...defaultExecutionConfig(), model: defaultModel(c.env) } },
      body,
    );
    assertModelAvailable(c.env, configs.execution_config.model);
    const agent = await insertAgent(sql, c.var.tenant.id, {
      template_id: template?.id ?? null,
      name: body.name,
      description: body.description ?? template?.description ?? null,
      icon: body.icon ?? template?.icon ?? null,
      system_prompt_override: body.system_prompt_override ?? null,
      ...configs,
      is_active: body.is_active ?? true,
      is_public: body.is_public ?? false,
    });
    c.var.log.info("agent created", { agent_id: agent.id, template_id: agent.template_id });
    return c.json(agent, 201);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["agents"],
    summary: "One of your agents",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: { description: "The agent", ...json(AgentSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const agent = await getAgent(c.var.db(), c.var.tenant.id, agentId(c.req.valid("param").id));
    if (!agent) throw agentNotFound();
    return c.json(agent, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags: ["agents"],
    summary: "Change an agent (configs merge with current settings)",
    security: bearerSecurity,
    request: { params: IdParam, body: { required: true, ...json(UpdateAgentSchema) } },
    responses: {
      200: { description: "The updated agent", ...json(AgentSchema) },
      ...errorResponses(400, 401, 404, 409, 413),
    },
  }),
  async (c) => {
    const id = agentId(c.req.valid("param").id);
    const body = c.req.valid("json");
    const tenantId = c.var.tenant.id;
    const agent = await c.var.db().begin(async (tx) => {
      const current = await getAgent(tx, tenantId, id, true);
      if (!current) throw agentNotFound();
      const configs = mergeConfigs(current, body);
      if (configs.execution_config.model !== current.execution_config.model)
        assertModelAvailable(c.env, configs.execution_config.model);
      return updateAgent(tx, tenantId, id, {
        template_id: current.template_id,
        name: body.name ?? current.name,
        description: body.description !== undefined ? body.description : current.description,
        icon: body.icon !== undefined ? body.icon : current.icon,
        system_prompt_override:
          body.system_prompt_override !== undefined
            ? body.system_prompt_override
            : current.system_prompt_override,
        ...configs,
        is_active: body.is_active ?? current.is_active,
        is_public: body.is_public ?? current.is_public,
      });
    });
    if (!agent) throw agentNotFound();
    return c.json(agent, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags: ["agents"],
    summary: "Delete an agent (its conversations stay, unlinked)",
    security: bearerSecurity,
    request: { params: IdParam },
    responses: {
      200: {
        description: "Deleted",
        ...json(z.object({ id: z.string(), deleted: z.literal(true) })),
      },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const id = agentId(c.req.valid("param").id);
    if (!(await deleteAgent(c.var.db(), c.var.tenant.id, id))) throw agentNotFound();
    c.var.log.info("agent deleted", { agent_id: id });
    return c.json({ id, deleted: true as const }, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/duplicate",
    tags: ["agents"],
    summary: "Copy an agent with its settings and documents",
    security: bearerSecurity,
    request: { params: IdParam, body: { required: false, ...json(DuplicateAgentSchema) } },
    responses: {
      201: { description: "The copy (private)", ...json(AgentSchema) },
      ...errorResponses(400, 401, 404, 409),
    },
  }),
  async (c) => {
    const id = agentId(c.req.valid("param").id);
    const copy = await duplicateAgent(c.var.db(), c.var.tenant.id, id, c.req.valid("json").name);
    if (!copy) throw agentNotFound();
    return c.json(copy, 201);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/search",
    tags: ["knowledge"],
    summary: "Hit-testing: the chunks this agent would retrieve for a query",
    security: bearerSecurity,
    description:
      "Body: {query, top_k (1-50, default 10), mode: dense|fulltext|hybrid (default: the agent's search mode)}. Only chunks of documents assigned to this agent. Every match is listed with its relevance signals; `above_threshold` says whether the agent's similarity_threshold lets a chat turn use it.",
    request: { params: IdParam },
    responses: {
      200: { description: "Ranked chunks", ...json(AgentSearchResponseSchema) },
      ...errorResponses(400, 401, 404),
    },
  }),
  async (c) => {
    const agent = await getAgent(c.var.db(), c.var.tenant.id, agentId(c.req.valid("param").id));
    if (!agent) throw agentNotFound();
    // Validated after the ownership check, so another tenant's id is a 404 whatever the body.
    const parsed = AgentSearchSchema.safeParse(
      await c.req.json().catch(() => {
        throw new AppError("MALFORMED_JSON", 400, "The request body is not valid JSON.");
      }),
    );
    if (!parsed.success) throw validationError(parsed.error.issues);
    const mode = parsed.data.mode ?? searchModeFor(agent.query_config);
    const hits = await searchKnowledge(c.env, {
      tenantId: c.var.tenant.id,
      agentId: agent.id,
      query: parsed.data.query,
      topK: parsed.data.top_k,
      mode,
    });
    const threshold = agent.query_config.similarity_threshold;
    const results = hits.map((h) => ({
      chunk_id: h.chunk_id,
      document_id: h.document_id,
      document_name: h.document_name,
      chunk_index: h.chunk_index,
      page: h.page,
      heading_path: h.heading_path,
      text: h.text,
      score: h.score,
      dense_score: h.dense_score ?? null,
      text_score: h.text_score ?? null,
      above_threshold: passesThreshold(h, threshold),
    }));
    return c.json({ mode, similarity_threshold: threshold, results }, 200);
  },
);
