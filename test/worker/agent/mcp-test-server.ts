/**
 * A real MCP server for the tests, made with the same SDK the Worker's client uses (McpServer
 * behind the web-standard streamable HTTP server transport, answering in SSE), reached through a
 * fake network: `network` is what the Worker's fetch would reach, with the DNS-over-HTTPS
 * resolver answering for the test host names and the server at https://mcp.example.com/mcp.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { CfWorkerJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/cfworker";
import { env } from "cloudflare:workers";
import { z } from "zod";
import type { AgentSnapshot } from "../../../workers/chat/agent-snapshot.ts";
import { AgentSnapshotSchema } from "../../../workers/chat/agent-snapshot.ts";
import type { ToolContext } from "../../../workers/agent/tools/types.ts";

export const MCP_HOST = "mcp.example.com";
export const MCP_URL = `https://${MCP_HOST}/mcp`;
/** A name that resolves to a private address (DNS rebinding toward the internal network). */
export const PRIVATE_HOST = "mcp.attacker.example";

/** A / AAAA answers of the fake resolver; unknown names do not exist (NXDOMAIN). */
const DNS: Record<string, string> = { [MCP_HOST]: "93.184.215.14", [PRIVATE_HOST]: "10.0.0.7" };

export interface TestMcpServerOptions {
  /** The bearer token the server requires (none: open to all). */
  token?: string;
}

export function testMcpServer(options: TestMcpServerOptions = {}) {
  /** Every request that reached the MCP server (DNS questions not included). */
  const requests: Request[] = [];
  /** The JSON-RPC methods posted to the server, in order ("initialize", "tools/call", ...). */
  const methods: string[] = [];
  /** Calls of `wait` hold until released (a tool that never answers by itself). */
  const held: Array<() => void> = [];

  function build(): McpServer {
    const server = new McpServer(
      { name: "Orders test server", version: "1.0.0" },
      { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
    );
    server.registerTool(
      "add",
      { description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } },
      ({ a, b }) => ({ content: [{ type: "text", text: `${a} + ${b} = ${a + b}` }] }),
    );
    server.registerTool(
      "lookup_order",
      { description: "Finds an order by its id", inputSchema: { order_id: z.string() } },
      ({ order_id }) =>
        order_id === "A-1"
          ? { content: [{ type: "text", text: "Order A-1: shipped on 2 December" }] }
          : { isError: true, content: [{ type: "text", text: `No order ${order_id}` }] },
    );
    server.registerTool(
      "wait",
      { description: "Waits until released", inputSchema: {} },
      () =>
        new Promise((resolve) => {
          held.push(() => resolve({ content: [{ type: "text", text: "released" }] }));
        }),
    );
    return server;
  }

  async function serve(request: Request): Promise<Response> {
    requests.push(request.clone());
    if (request.method === "POST") {
      const body: unknown = await request
        .clone()
        .json()
        .catch(() => null);
      for (const m of Array.isArray(body) ? body : [body])
        if (typeof m === "object" && m !== null && "method" in m && typeof m.method === "string")
          methods.push(m.method);
    }
    if (options.token && request.headers.get("authorization") !== `Bearer ${options.token}`)
      return Response.json({ error: "invalid_token" }, { status: 401 });
    // Stateless: a server and transport per request, as the SDK's stateless examples do.
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
    });
    await build().connect(transport);
    return transport.handleRequest(request);
  }

  /** What the Worker's fetch reaches: the DoH resolver, the MCP server, and nothing else. */
  const network = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin === "https://cloudflare-dns.com") {
      const name = url.searchParams.get("name") ?? "";
      const address = DNS[name];
      if (address === undefined) return Response.json({ Status: 3 });
      const type = url.searchParams.get("type") === "A" ? 1 : 28;
      return Response.json({
        Status: 0,
        Answer: type === 1 ? [{ name, type, TTL: 60, data: address }] : [],
      });
    }
    if (url.host === MCP_HOST) return serve(request);
    throw new TypeError(`fetch failed: ${url.host} is unreachable`);
  };

  return {
    network,
    requests,
    methods,
    release: () => held.splice(0).forEach((r) => r()),
  };
}

/** A tool step's context whose outbound requests reach `network` (the test server's). */
export function mcpToolContext(
  network: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>,
  signal: AbortSignal = new AbortController().signal,
  agent: AgentSnapshot = AgentSnapshotSchema.parse({
    id: crypto.randomUUID(),
    tenant_id: crypto.randomUUID(),
    name: "Agent",
    description: null,
    system_prompt: "Be helpful.",
    execution_config: { mode: "advanced" },
    query_config: {},
  }),
): ToolContext {
  return {
    env,
    agent,
    conversationId: crypto.randomUUID(),
    sessionId: "session-1",
    visitorMessages: ["hi"],
    signal,
    fetch: network,
    now: () => new Date(),
    saveContact: () => Promise.resolve(),
  };
}
