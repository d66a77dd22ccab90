/**
 * Visitor chat: init (public agents, or the owner's own agent as a test chat), session
 * status, a task over REST, ending a session, and the chat WebSocket. Session routes need the
 * session token from init; a session id alone grants nothing.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  ChatInitResponseSchema,
  ChatInitSchema,
  ChatStatusSchema,
  ChatTaskResponseSchema,
  ChatTaskSchema,
} from "../../../shared/api/chat.ts";
import { verifySessionToken } from "../../auth/session-token.ts";
import { signSessionToken } from "../../auth/session-token.ts";
import { verifyAccessToken } from "../../auth/verify-token.ts";
import { chatLimits } from "../../chat/limits.ts";
import { checkChatMessage } from "../../chat/message-check.ts";
import { isOriginAllowed } from "../../chat/origin.ts";
import { getChatAgent } from "../../db/chat-agents.ts";
import { answersQuoteDocuments } from "../../llm/select.ts";
import { clientAddress } from "../client-address.ts";
import { AppError, notFound } from "../../errors.ts";
import type { AppEnv } from "../../env.ts";
import { conversationIdFor } from "../../ids.ts";
import { createRouter, errorResponses, isUuid, json } from "../router.ts";

const SessionParam = z.object({ session_id: z.string().max(100) });
const sessionSecurity = [{ sessionToken: [] }];

const bearer = (c: Context<AppEnv>) =>
  /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
const sessionStub = (c: Context<AppEnv>, sessionId: string) =>
  c.env.CHAT_SESSION.get(c.env.CHAT_SESSION.idFromName(sessionId));

/** The session named in the path, after its token (header or `?token=`) proves access to it. */
async function authorizedSession(c: Context<AppEnv>, sessionId: string) {
  if (!isUuid(sessionId)) throw notFound("SESSION_NOT_FOUND", "The chat session");
  const claims = await verifySessionToken(c.env, bearer(c) ?? c.req.query("token"), sessionId);
  c.set("log", c.var.log.with({ session_id: sessionId, tenant_id: claims.tenant_id }));
  return sessionStub(c, sessionId);
}

export const chatRoutes = createRouter();

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/init",
    tags: ["chat"],
    summary: "Start a chat with a public agent (or your own agent, with your bearer token)",
    description:
      "`tenant_id` (optional) must name the agent's owner, else 404 as for an unknown agent. `initial_message` starts the first turn at once: the first socket to connect gets its frames after `connection_ack`; `task_id` in the answer can be resumed. `metadata` is kept with the conversation.",
    request: { body: { required: true, ...json(ChatInitSchema) } },
    responses: {
      201: { description: "The session", ...json(ChatInitResponseSchema) },
      ...errorResponses(400, 401, 404, 413),
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    if (body.initial_message !== undefined) {
      // The same check and codes as a message sent on the socket, before anything is created.
      const checked = checkChatMessage(body.initial_message, chatLimits(c.env).maxMessageChars);
      if (!checked.ok)
        throw new AppError(checked.code, checked.status, checked.message, [
          { field: "initial_message", message: checked.message },
        ]);
    }
    const { success } = await c.env.CHAT_INIT_LIMITER.limit({ key: clientAddress(c) });
    if (!success)
      throw new AppError(
        "RATE_LIMITED",
        429,
        "Too many chats started from your address. Wait a minute and try again.",
      );
    const agent = isUuid(body.agent_id)
      ? await getChatAgent(c.var.db(), body.agent_id.toLowerCase())
      : null;
    const agentNotFound = () => notFound("AGENT_NOT_FOUND", "The agent");
    if (!agent) throw agentNotFound();
    // The original clients name the agent's tenant: a check only (tenancy comes from the agent),
    // and a wrong one answers exactly like an unknown agent, so it reveals nothing.
    if (body.tenant_id !== undefined && body.tenant_id.toLowerCase() !== agent.snapshot.tenant_id)
      throw agentNotFound();
    if (!(agent.isPublic && agent.isActive && agent.ownerIsPublic)) {
      // The owner may test-chat with a private or inactive agent of their own.
      const token = bearer(c);
      const owner = token ? await verifyAccessToken(token, c.env).catch(() => null) : null;
      if (owner?.id !== agent.snapshot.tenant_id) throw agentNotFound();
    }
    const sessionId = crypto.randomUUID();
    const tenantId = agent.snapshot.tenant_id;
    const referrer = c.req.header("origin") ?? c.req.header("referer");
    let referrerOrigin: string | null = null;
    try {
      referrerOrigin = referrer ? new URL(referrer).origin : null;
    } catch {
      referrerOrigin = null;
    }
    const cf = c.req.raw.cf;
    const started = await sessionStub(c, sessionId).initialize({
      session_id: sessionId,
      agent: agent.snapshot,
      conversation_id: await conversationIdFor(tenantId, sessionId, agent.snapshot.id),
      visitor: {
        visitor_id: body.user_id ?? null,
        user_agent: c.req.header("user-agent")?.slice(0, 500) ?? null,
        country: typeof cf?.country === "string" ? cf.country : null,
        referrer_origin: referrerOrigin,
        ...(body.metadata ? { metadata: body.metadata } : {}),
      },
      initial_message: body.initial_message,
    });
    if (!started.ok)
      throw new AppError(started.code, started.status, started.message, [
        { field: "initial_message", message: started.message },
      ]);
    const { token, expiresAt } = await signSessionToken(
      c.env,
      { session_id: sessionId, agent_id: agent.snapshot.id, tenant_id: tenantId },
      chatLimits(c.env).sessionTtlSeconds,
    );
    const url = new URL(c.req.url);
    c.var.log.info("chat session started", {
      session_id: sessionId,
      tenant_id: tenantId,
      agent_id: agent.snapshot.id,
    });
    return c.json(
      {
        session_id: sessionId,
        session_token: token,
        status: "initialized" as const,
        websocket_url: `${url.protocol === "https:" ? "wss:" : "ws:"}//${url.host}/ws/chat/${sessionId}`,
        agent_name: agent.snapshot.name,
        expires_at: expiresAt.toISOString(),
        ...(started.task_id ? { task_id: started.task_id } : {}),
        max_message_chars: chatLimits(c.env).maxMessageChars,
        quotes_only: answersQuoteDocuments(c.env, agent.snapshot.execution_config.model),
      },
      201,
    );
  },
);

chatRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{session_id}/status",
    tags: ["chat"],
    summary: "A chat session's state",
    security: sessionSecurity,
    request: { params: SessionParam },
    responses: {
      200: { description: "Status", ...json(ChatStatusSchema) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { session_id } = c.req.valid("param");
    const status = await (await authorizedSession(c, session_id)).status();
    if (!status) throw notFound("SESSION_NOT_FOUND", "The chat session");
    return c.json(status, 200);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{session_id}/task",
    tags: ["chat"],
    summary: "Send a message; the answer streams to the session's sockets",
    security: sessionSecurity,
    request: { params: SessionParam, body: { required: true, ...json(ChatTaskSchema) } },
    responses: {
      202: { description: "Accepted", ...json(ChatTaskResponseSchema) },
      ...errorResponses(400, 401, 404, 409, 413),
    },
  }),
  async (c) => {
    const { session_id } = c.req.valid("param");
    const body = c.req.valid("json");
    const result = await (
      await authorizedSession(c, session_id)
    ).submit(body.user_message, body.execution_mode);
    if (!result.ok) {
      const aboutMessage = result.code === "MESSAGE_EMPTY" || result.code === "MESSAGE_TOO_LONG";
      throw new AppError(
        result.code,
        result.status,
        result.message,
        aboutMessage ? [{ field: "user_message", message: result.message }] : undefined,
      );
    }
    return c.json({ task_id: result.task_id, status: "processing" as const }, 202);
  },
);

chatRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{session_id}",
    tags: ["chat"],
    summary: "End a chat session",
    security: sessionSecurity,
    request: { params: SessionParam },
    responses: {
      200: { description: "Ended", ...json(z.object({ status: z.literal("deleted") })) },
      ...errorResponses(401, 404),
    },
  }),
  async (c) => {
    const { session_id } = c.req.valid("param");
    if (!(await (await authorizedSession(c, session_id)).end("deleted")))
      throw notFound("SESSION_NOT_FOUND", "The chat session");
    return c.json({ status: "deleted" as const }, 200);
  },
);

/** `GET /ws/chat/{session_id}?token=`: checks Origin and token, then hands the upgrade to the session. */
export const chatSocketRoutes = createRouter();
chatSocketRoutes.get("/chat/:session_id", async (c) => {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    throw new AppError(
      "VALIDATION_FAILED",
      426,
      "This address is a WebSocket: connect with a WebSocket client.",
    );
  }
  if (!isOriginAllowed(c.req.header("origin"), c.req.url, c.env)) {
    throw new AppError(
      "ORIGIN_NOT_ALLOWED",
      403,
      "This site may not open chat connections (its origin is not allowed).",
    );
  }
  const stub = await authorizedSession(c, c.req.param("session_id"));
  // The session answers a refusal with this request's id, like every other API error.
  const headers = new Headers(c.req.raw.headers);
  headers.set("x-request-id", c.var.requestId);
  return stub.fetch(new Request(c.req.raw, { headers }));
});
