/**
 * The tools of the MCP servers an owner attached to the agent (only those the owner enabled),
 * as agent tools: each named `mcp_<server>_<tool>` for the model (`mcpToolName`), its JSON
 * Schema passed through as the parameters. Arguments are only checked to be an object here:
 * the server validates them against its own schema and answers an error the model can read.
 *
 * A call opens the server's sealed token for that call only, connects through the SSRF guard
 * (mcp-client.ts) and is bounded by the step's signal and MCP_TIMEOUT_MS. What the server
 * returns is data for the model, like any tool result; `isError` and every connection failure
 * become a ToolError, so the model hears why and the turn goes on.
 */
import { z } from "zod";
import { mcpToolName } from "../../../shared/tools.ts";
import type { McpServerSnapshot } from "../../chat/agent-snapshot.ts";
import { DEFAULT_DOH_URL, dohResolver } from "../../ingestion/dns-resolve.ts";
import { callMcpTool, MCP_TIMEOUT_MS, McpConnectionError, mcpTokenPurpose } from "../mcp-client.ts";
import { openSecret } from "../secret-box.ts";
import type { AgentTool, ToolContext } from "./types.ts";
import { ToolError } from "./types.ts";

type McpArgs = Record<string, unknown>;

const McpArgsSchema: z.ZodType<McpArgs> = z.record(z.string(), z.unknown());

/** How much of a result opens under the visitor's step line. */
const DETAIL_CHARS = 600;

export interface McpToolOptions {
  /** Longest one call may take, connection included (default MCP_TIMEOUT_MS). */
  timeoutMs?: number;
}

export function mcpTools(
  servers: McpServerSnapshot[],
  options: McpToolOptions = {},
): AgentTool<McpArgs>[] {
  const timeoutMs = options.timeoutMs ?? MCP_TIMEOUT_MS;
  const seen = new Set<string>();
  const tools: AgentTool<McpArgs>[] = [];
  for (const server of servers) {
    for (const tool of server.tools) {
      const name = mcpToolName(server.id, tool.name);
      // Two server names that clean to the same model name: the first listed wins.
      if (seen.has(name)) continue;
      seen.add(name);
      tools.push({
        spec: {
          name,
          description: `${tool.description || tool.name} (tool "${tool.name}" of the MCP server ${server.name})`,
          parameters: tool.input_schema,
        },
        args: McpArgsSchema,
        describeCall: () => `Using ${server.name}: ${tool.name}`,
        timeoutMs,
        run: (args, ctx) => runMcpTool(server, tool.name, args, ctx, timeoutMs),
      });
    }
  }
  return tools;
}

async function runMcpTool(
  server: McpServerSnapshot,
  tool: string,
  args: McpArgs,
  ctx: ToolContext,
  timeoutMs: number,
) {
  let token: string | null = null;
  if (server.token_encrypted !== null) {
    try {
      token = await openSecret(ctx.env, server.token_encrypted, mcpTokenPurpose(server.id));
    } catch {
      throw new ToolError(
        `The token for ${server.name} cannot be read on this server; the owner needs to enter it again.`,
      );
    }
  }
  const network = (input: string, init: RequestInit) => ctx.fetch(input, init);
  let result;
  try {
    result = await callMcpTool(
      { url: server.url, token },
      {
        fetch: network,
        resolve: dohResolver({
          url: ctx.env.DNS_RESOLVER_URL || DEFAULT_DOH_URL,
          fetch: network,
          signal: ctx.signal,
        }),
        signal: ctx.signal,
        timeoutMs,
      },
      tool,
      args,
    );
  } catch (err) {
    if (err instanceof McpConnectionError) throw new ToolError(`${server.name}: ${err.message}`);
    throw err;
  }
  if (result.isError)
    throw new ToolError(
      `${server.name} reported an error from ${tool}: ${result.text.trim() || "no details given"}`,
    );
  const text = result.text.trim();
  return {
    content: text === "" ? "(the tool returned no text)" : text,
    summary: `Used ${server.name}: ${tool}`,
    detail: text === "" ? null : text.slice(0, DETAIL_CHARS),
  };
}
