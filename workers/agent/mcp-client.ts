/**
 * Talking to an owner's remote MCP server over streamable HTTP with the official SDK (`Client`
 * and `StreamableHTTPClientTransport`), on one connection per operation: list the tools (when the
 * owner attaches or refreshes a server) or call one (an agent's tool step). A connection is
 * opened, used and closed within the operation, so nothing outlives a request or a tool step.
 *
 * Every HTTP request the transport makes goes through `guardedFetch`: the URL check and the DNS
 * check of URL ingestion (workers/ingestion/url-fetch.ts: public http(s) addresses only, every
 * answer of the host's DNS lookup public too), redirects handed back unfollowed (the SDK follows
 * only those within the server's origin, through this same fetch, so each hop is checked), and a
 * cap on each response body. The same rule holds in development as in production, as for URL
 * ingestion: a server on localhost or a private network cannot be attached.
 *
 * Failures become McpConnectionError with a message for the owner (on the server's card) or for
 * the model and visitor (a tool step), never the SDK's internals.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Resolver } from "../ingestion/dns-resolve.ts";
import { checkResolved, checkUrl, UrlFetchError } from "../ingestion/url-fetch.ts";

/** How long listing or one call may take, connection included (the tool's default timeout). */
export const MCP_TIMEOUT_MS = 15_000;
/** The most tools kept from one server (the owner enables them one by one). */
export const MCP_MAX_TOOLS = 100;
/** The largest response body accepted from a server, per HTTP response. */
export const MCP_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;
const MAX_DESCRIPTION_CHARS = 2000;
/** Pages of a tool list read at most (a server paging forever stops here). */
const MAX_PAGES = 20;

export type McpFailure = "not_allowed" | "unreachable" | "unauthorized" | "timeout" | "protocol";

/** Why talking to a server failed; `message` is for a person and names the server's host. */
export class McpConnectionError extends Error {
  readonly kind: McpFailure;
  constructor(kind: McpFailure, message: string) {
    super(message);
    this.name = "McpConnectionError";
    this.kind = kind;
  }
}

export interface McpEndpoint {
  url: string;
  /** The bearer token in clear, decrypted just for this operation. */
  token: string | null;
}

export interface McpConnectOptions {
  /** The network below the guard (the Worker's fetch; tests inject one). */
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  /** Where a host name points; every answer must be public. */
  resolve: Resolver;
  /** Aborts the operation (the tool step's time is up, or the turn's). */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** A tool as the server lists it, trimmed to what is stored. */
export interface ListedTool {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** What a server lists: its own name for itself (when it gives one) and its tools. */
export interface ToolListing {
  serverName: string | null;
  tools: ListedTool[];
}

/** What a tool call returned: its text parts joined, and whether the server flagged an error. */
export interface McpCallResult {
  text: string;
  isError: boolean;
}

/**
 * A fetch for the SDK's transport that lets through only requests to public addresses: each
 * request's URL is checked as written and where its host resolves, before it is sent.
 */
export function guardedFetch(
  inner: McpConnectOptions["fetch"],
  resolve: Resolver,
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const check = checkUrl(typeof input === "string" ? input : input.href);
    if (!check.ok)
      throw new UrlFetchError(
        "URL_NOT_ALLOWED",
        `This MCP server cannot be used: ${check.reason}.`,
      );
    await checkResolved(check.url, resolve, "This MCP server cannot be used");
    const response = await inner(check.url.href, { ...init, redirect: "manual" });
    return capped(response, MCP_MAX_RESPONSE_BYTES);
  };
}

/** Lists the server's tools (every page, up to MCP_MAX_TOOLS). */
export async function listMcpTools(
  endpoint: McpEndpoint,
  options: McpConnectOptions,
): Promise<ToolListing> {
  return withClient(endpoint, options, async (client, request) => {
    const info = client.getServerVersion();
    const serverName = (info?.title ?? info?.name ?? "").trim() || null;
    const tools: ListedTool[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      if (++pages > MAX_PAGES) break;
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, request);
      for (const tool of page.tools) {
        if (tools.length >= MCP_MAX_TOOLS) return { serverName, tools };
        tools.push({
          name: tool.name,
          description: (tool.description ?? tool.title ?? "").slice(0, MAX_DESCRIPTION_CHARS),
          input_schema: tool.inputSchema,
        });
      }
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return { serverName, tools };
  });
}

/** Calls one tool with `args` (the server validates them against its schema). */
export async function callMcpTool(
  endpoint: McpEndpoint,
  options: McpConnectOptions,
  name: string,
  args: Record<string, unknown>,
): Promise<McpCallResult> {
  return withClient(endpoint, options, async (client, request) => {
    const result = await client.callTool({ name, arguments: args }, undefined, request);
    const content = Array.isArray(result.content) ? (result.content as unknown[]) : [];
    const texts = content.flatMap((part) =>
      typeof part === "object" &&
      part !== null &&
      "type" in part &&
      part.type === "text" &&
      "text" in part &&
      typeof part.text === "string"
        ? [part.text]
        : [],
    );
    // A server may answer with structured content only: the model reads it as JSON.
    if (texts.length === 0 && result.structuredContent !== undefined)
      texts.push(JSON.stringify(result.structuredContent));
    return { text: texts.join("\n\n"), isError: result.isError === true };
  });
}

interface RequestOptions {
  signal: AbortSignal;
  timeout: number;
  maxTotalTimeout: number;
}

/** Connects, runs `use`, and closes; every failure becomes an McpConnectionError. */
async function withClient<T>(
  endpoint: McpEndpoint,
  options: McpConnectOptions,
  use: (client: Client, request: RequestOptions) => Promise<T>,
): Promise<T> {
  const url = new URL(endpoint.url);
  const timeoutMs = options.timeoutMs ?? MCP_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error("timeout")), timeoutMs);
  const onOuterAbort = () => deadline.abort(new Error("aborted"));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  const transport = new StreamableHTTPClientTransport(url, {
    fetch: guardedFetch(options.fetch, options.resolve),
    ...(endpoint.token === null
      ? {}
      : { requestInit: { headers: { authorization: `Bearer ${endpoint.token}` } } }),
    // One operation per connection: a dropped stream is an error to report, not to resume.
    reconnectionOptions: {
      maxRetries: 0,
      initialReconnectionDelay: 1000,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
    },
  });
  // The default validator (Ajv) compiles schemas with `new Function`, which Workers forbid.
  const client = new Client(
    { name: "nooble", version: "1.0.0" },
    { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  const request = { signal: deadline.signal, timeout: timeoutMs, maxTotalTimeout: timeoutMs };
  try {
    await client.connect(transport, request);
    return await use(client, request);
  } catch (err) {
    throw describeFailure(err, url, endpoint.token !== null, deadline.signal, timeoutMs);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onOuterAbort);
    await client.close().catch(() => undefined);
  }
}

function describeFailure(
  err: unknown,
  url: URL,
  hasToken: boolean,
  deadline: AbortSignal,
  timeoutMs: number,
): McpConnectionError {
  const host = url.host;
  if (err instanceof McpConnectionError) return err;
  if (err instanceof UrlFetchError)
    return err.code === "URL_NOT_ALLOWED"
      ? new McpConnectionError("not_allowed", err.message)
      : new McpConnectionError(
          "unreachable",
          `Could not look up the address of ${url.hostname}; check the URL, or try again later.`,
        );
  if (deadline.aborted || (err instanceof McpError && err.code === ErrorCode.RequestTimeout))
    return new McpConnectionError(
      "timeout",
      `${host} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}.`,
    );
  if (err instanceof StreamableHTTPError) {
    const status = err.code ?? -1;
    if (status === 401 || status === 403)
      return new McpConnectionError(
        "unauthorized",
        hasToken
          ? `${host} refused the bearer token (HTTP ${status}): check the token you gave for this server.`
          : `${host} requires a bearer token (HTTP ${status}): add the server's token.`,
      );
    if (status === 404 || status === 405)
      return new McpConnectionError(
        "unreachable",
        `${host} answered HTTP ${status} at ${url.pathname}: check the URL of the MCP endpoint (it often ends in /mcp).`,
      );
    if (status > 0)
      return new McpConnectionError(
        "unreachable",
        `${host} answered HTTP ${status}${status === 429 || status >= 500 ? "; try again later" : ""}.`,
      );
    return new McpConnectionError("protocol", `${host} did not answer as an MCP server.`);
  }
  if (err instanceof McpError)
    return new McpConnectionError("protocol", `${host} answered with an error: ${briefly(err)}.`);
  if (err instanceof TypeError && /fetch|network|connect/i.test(err.message))
    return new McpConnectionError("unreachable", `Could not connect to ${host}.`);
  return new McpConnectionError("protocol", `${host} did not answer as an MCP server.`);
}

/** The first line of an error's message without the SDK's "MCP error -32602:" prefix. */
function briefly(err: Error): string {
  const line = (err.message.split("\n")[0] ?? "").replace(/^MCP error -?\d+:\s*/, "").trim();
  return line.replace(/\.+$/, "").slice(0, 300) || "unknown error";
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** The response with its body cut off (as an error) past `maxBytes`. */
function capped(response: Response, maxBytes: number): Response {
  if (response.body === null || NULL_BODY_STATUSES.has(response.status)) return response;
  let seen = 0;
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > maxBytes)
        controller.error(
          new McpConnectionError(
            "protocol",
            `The MCP server's answer is larger than ${maxBytes / (1024 * 1024)} MB.`,
          ),
        );
      else controller.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(limit), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** What a server's sealed token is bound to (secret-box.ts): it opens only on that server's row. */
export const mcpTokenPurpose = (serverId: string) => `mcp-server:${serverId}`;
