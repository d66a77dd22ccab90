/**
 * MCP servers an owner attaches to one of their agents (advanced mode's remote tools): list,
 * attach, change (name, token, enabled tools), detach, and list the server's tools again.
 *
 * Attaching or refreshing lists the server's tools through the SDK (workers/agent/mcp-client.ts).
 * A server that cannot be reached, or that refuses the token, is still saved, with `last_error`
 * saying why: the owner keeps what they typed, reads the reason on the server's card, and fixes
 * it with a new token (which lists again) or a refresh once the server is up. Only a URL that can
 * never be used (not public: the SSRF guard of URL ingestion) is refused, 400 URL_NOT_ALLOWED.
 * The token is sealed at once (workers/agent/secret-box.ts) and only `has_token` is answered.
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  CreateMcpServerSchema,
  MCP_SERVERS_PER_AGENT,
  McpServerListSchema,
  McpServerSchema,
  UpdateMcpServerSchema,
} from "../../../shared/api/mcp.ts";
import type { McpTool } from "../../../shared/api/mcp.ts";
import { getAgent } from "../../db/agents.ts";
import {
  countMcpServers,
  deleteMcpServer,
  getMcpServer,
  insertMcpServer,
  listMcpServers,
  updateMcpServer,
} from "../../db/mcp-servers.ts";
import type { StoredMcpServer } from "../../db/mcp-servers.ts";
import { AppError, notFound } from "../../errors.ts";
import type { WorkerEnv } from "../../env.ts";
import { DEFAULT_DOH_URL, dohResolver } from "../../ingestion/dns-resolve.ts";
import { checkUrl } from "../../ingestion/url-fetch.ts";
import { listMcpTools, McpConnectionError, mcpTokenPurpose } from "../../agent/mcp-client.ts";
import type { ToolListing } from "../../agent/mcp-client.ts";
import { assertSecretKey, openSecret, SecretKeyError, sealSecret } from "../../agent/secret-box.ts";
import { requireOwner } from "../middleware/require-owner.ts";
import { bearerSecurity, createRouter, errorResponses, isUuid, json } from "../router.ts";

const AgentParam = z.object({ id: z.string().max(100) });
const ServerParam = z.object({ id: z.string().max(100), server_id: z.string().max(100) });

const agentNotFound = () => notFound("AGENT_NOT_FOUND", "The agent");
const serverNotFound = () => notFound("MCP_SERVER_NOT_FOUND", "The MCP server");
/** A malformed id names nothing: the same 404 as another tenant's id. */
const uuidOr = (id: string, missing: () => AppError) => {
  if (!isUuid(id)) throw missing();
  return id.toLowerCase();
};

export const mcpServerRoutes = createRouter();
mcpServerRoutes.use("*", requireOwner);

mcpServerRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/mcp-servers",
    tags: ["mcp"],
    summary: "The MCP servers attached to an agent, with their tools",
    security: bearerSecurity,
    request: { params: AgentParam },
    responses: {
      200: { description: "The agent's MCP servers", ...json(McpServerListSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const agentId = uuidOr(c.req.valid("param").id, agentNotFound);
    const sql = c.var.db();
    if (!(await getAgent(sql, c.var.tenant.id, agentId))) throw agentNotFound();
    return c.json({ items: await listMcpServers(sql, c.var.tenant.id, agentId) }, 200);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/mcp-servers",
    tags: ["mcp"],
    summary: "Attach a remote MCP server (streamable HTTP) to an agent and list its tools",
    description: `Its tools are listed at once, none enabled. A server that cannot be reached or refuses the token is saved with \`last_error\`; a URL that is not a public address is refused. At most ${MCP_SERVERS_PER_AGENT} servers per agent.`,
    security: bearerSecurity,
    request: { params: AgentParam, body: { required: true, ...json(CreateMcpServerSchema) } },
    responses: {
      201: { description: "The attached server", ...json(McpServerSchema) },
      ...errorResponses(400, 401, 404, 409, 503),
    },
  }),
  async (c) => {
    const agentId = uuidOr(c.req.valid("param").id, agentNotFound);
    const body = c.req.valid("json");
    const tenantId = c.var.tenant.id;
    const sql = c.var.db();
    if (!(await getAgent(sql, tenantId, agentId))) throw agentNotFound();
    await assertRoom(sql, tenantId, agentId);
    const check = checkUrl(body.url.trim());
    if (!check.ok) throw urlNotAllowed(`This MCP server cannot be used: ${check.reason}.`);
    const url = check.url.href;

    const id = crypto.randomUUID();
    const token = body.token ?? null;
    const sealed = token === null ? null : await seal(c.env, token, id);
    const listed = await listTools(c.env, url, token);
    if (listed.kind === "not_allowed") throw urlNotAllowed(listed.message);

    const server = await sql.begin(async (tx) => {
      // Counted again under the agent's row lock: two attaches at once cannot pass the limit.
      if (!(await getAgent(tx, tenantId, agentId, true))) throw agentNotFound();
      await assertRoom(tx, tenantId, agentId);
      return insertMcpServer(tx, tenantId, agentId, id, {
        name: body.name ?? listed.listing?.serverName?.slice(0, 100) ?? check.url.hostname,
        url,
        token_encrypted: sealed,
        tools: listed.listing ? mergeTools([], listed.listing) : [],
        listed_at: listed.listing ? new Date() : null,
        last_error: listed.listing ? null : listed.message,
      });
    });
    c.var.log.info("mcp server attached", {
      agent_id: agentId,
      mcp_server_id: server.id,
      tools: server.tools.length,
      listed: server.last_error === null,
    });
    return c.json(server, 201);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}/mcp-servers/{server_id}",
    tags: ["mcp"],
    summary: "Change an MCP server: its name, its token (null removes it), the tools enabled",
    description:
      "`enabled_tools` is the whole list of tools the agent may call (names as listed). A new token lists the tools again.",
    security: bearerSecurity,
    request: { params: ServerParam, body: { required: true, ...json(UpdateMcpServerSchema) } },
    responses: {
      200: { description: "The updated server", ...json(McpServerSchema) },
      ...errorResponses(400, 401, 404, 503),
    },
  }),
  async (c) => {
    const { agentId, serverId } = serverIds(c.req.valid("param"));
    const body = c.req.valid("json");
    const tenantId = c.var.tenant.id;
    const sql = c.var.db();
    const current = await getMcpServer(sql, tenantId, agentId, serverId);
    if (!current) throw serverNotFound();
    let sealed = current.token_encrypted;
    let listed: Listed | null = null;
    if (body.token !== undefined) {
      sealed = body.token === null ? null : await seal(c.env, body.token, serverId);
      listed = await listTools(c.env, current.url, body.token);
    }
    const server = await sql.begin(async (tx) => {
      const row = await getMcpServer(tx, tenantId, agentId, serverId, true);
      if (!row) throw serverNotFound();
      let tools = listed?.listing ? mergeTools(row.tools, listed.listing) : row.tools;
      if (body.enabled_tools !== undefined) tools = enableOnly(tools, body.enabled_tools);
      return updateMcpServer(tx, tenantId, agentId, serverId, {
        name: body.name ?? row.name,
        token_encrypted: sealed,
        tools,
        ...listingState(row, listed),
      });
    });
    if (!server) throw serverNotFound();
    return c.json(server, 200);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/mcp-servers/{server_id}/refresh",
    tags: ["mcp"],
    summary: "List an MCP server's tools again",
    description:
      "Tools still listed keep their enabled state; new ones start disabled; gone ones are dropped. If the server cannot be listed, its tools stay as they were and `last_error` says why.",
    security: bearerSecurity,
    request: { params: ServerParam },
    responses: {
      200: { description: "The server with its tools as now listed", ...json(McpServerSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { agentId, serverId } = serverIds(c.req.valid("param"));
    const tenantId = c.var.tenant.id;
    const sql = c.var.db();
    const current = await getMcpServer(sql, tenantId, agentId, serverId);
    if (!current) throw serverNotFound();
    const listed = await relist(c.env, current);
    const server = await sql.begin(async (tx) => {
      const row = await getMcpServer(tx, tenantId, agentId, serverId, true);
      if (!row) throw serverNotFound();
      return updateMcpServer(tx, tenantId, agentId, serverId, {
        name: row.name,
        // A token changed meanwhile was not the one listed with: keep it, and this listing.
        token_encrypted: row.token_encrypted,
        tools: listed.listing ? mergeTools(row.tools, listed.listing) : row.tools,
        ...listingState(row, listed),
      });
    });
    if (!server) throw serverNotFound();
    return c.json(server, 200);
  },
);

mcpServerRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}/mcp-servers/{server_id}",
    tags: ["mcp"],
    summary: "Detach an MCP server (its token is deleted with it)",
    security: bearerSecurity,
    request: { params: ServerParam },
    responses: {
      200: {
        description: "Detached",
        ...json(z.object({ id: z.string(), deleted: z.literal(true) })),
      },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { agentId, serverId } = serverIds(c.req.valid("param"));
    if (!(await deleteMcpServer(c.var.db(), c.var.tenant.id, agentId, serverId)))
      throw serverNotFound();
    c.var.log.info("mcp server detached", { agent_id: agentId, mcp_server_id: serverId });
    return c.json({ id: serverId, deleted: true as const }, 200);
  },
);

function serverIds(p: { id: string; server_id: string }) {
  return { agentId: uuidOr(p.id, serverNotFound), serverId: uuidOr(p.server_id, serverNotFound) };
}

async function assertRoom(sql: Parameters<typeof countMcpServers>[0], t: string, a: string) {
  if ((await countMcpServers(sql, t, a)) >= MCP_SERVERS_PER_AGENT)
    throw new AppError(
      "MCP_SERVER_LIMIT",
      409,
      `An agent can have at most ${MCP_SERVERS_PER_AGENT} MCP servers; remove one first.`,
    );
}

const urlNotAllowed = (message: string) =>
  new AppError("URL_NOT_ALLOWED", 400, message, [{ field: "url", message }]);

async function seal(env: WorkerEnv, token: string, serverId: string): Promise<string> {
  try {
    assertSecretKey(env);
  } catch (err) {
    if (err instanceof SecretKeyError)
      throw new AppError(
        "MCP_TOKEN_KEY_MISSING",
        503,
        "This server cannot store tokens for MCP servers: its MCP_TOKEN_KEY is not set (see the README's Configuration). Attach the server without a token, or ask the administrator.",
      );
    throw err;
  }
  return sealSecret(env, token, mcpTokenPurpose(serverId));
}

/** A listing's outcome: the tools, or why they could not be listed (for `last_error`). */
type Listed =
  | { kind: "listed"; listing: ToolListing; message: null }
  | { kind: McpConnectionError["kind"]; listing: null; message: string };

async function listTools(env: WorkerEnv, url: string, token: string | null): Promise<Listed> {
  try {
    const listing = await listMcpTools(
      { url, token },
      {
        fetch: (input, init) => fetch(input, init),
        resolve: dohResolver({ url: env.DNS_RESOLVER_URL || DEFAULT_DOH_URL }),
      },
    );
    return { kind: "listed", listing, message: null };
  } catch (err) {
    if (err instanceof McpConnectionError)
      return { kind: err.kind, listing: null, message: err.message };
    throw err;
  }
}

/** Lists a stored server's tools with its stored token. */
async function relist(env: WorkerEnv, server: StoredMcpServer): Promise<Listed> {
  let token: string | null = null;
  if (server.token_encrypted !== null) {
    try {
      token = await openSecret(env, server.token_encrypted, mcpTokenPurpose(server.id));
    } catch {
      return {
        kind: "unauthorized",
        listing: null,
        message:
          "The stored token cannot be decrypted on this server (its MCP_TOKEN_KEY changed); enter the token again.",
      };
    }
  }
  return listTools(env, server.url, token);
}

/** The new listing, each tool keeping the enabled state it had (new tools start disabled). */
function mergeTools(before: McpTool[], listing: ToolListing): McpTool[] {
  const enabled = new Set(before.filter((t) => t.enabled).map((t) => t.name));
  return listing.tools.map((t) => ({ ...t, enabled: enabled.has(t.name) }));
}

function enableOnly(tools: McpTool[], names: string[]): McpTool[] {
  const known = new Set(tools.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    const message = `not among this server's tools: ${unknown.join(", ")} (refresh the server to list its tools again)`;
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      `The request is not valid: enabled_tools: ${message}`,
      [{ field: "enabled_tools", message }],
    );
  }
  const on = new Set(names);
  return tools.map((t) => ({ ...t, enabled: on.has(t.name) }));
}

/** `listed_at` and `last_error` after a listing (or none: both as they were). */
function listingState(row: StoredMcpServer, listed: Listed | null) {
  if (listed === null)
    return {
      listed_at: row.listed_at === null ? null : new Date(row.listed_at),
      last_error: row.last_error,
    };
  return listed.listing
    ? { listed_at: new Date(), last_error: null }
    : {
        listed_at: row.listed_at === null ? null : new Date(row.listed_at),
        last_error: listed.message,
      };
}
