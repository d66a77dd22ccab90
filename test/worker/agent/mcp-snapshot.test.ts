/**
 * From the owner's switches to the agent's call: an advanced agent's chat snapshot
 * (getChatAgent) carries its MCP servers with only the enabled tools and the token still sealed,
 * and mcpTools over that snapshot calls the real server with the token. A simple agent's
 * sessions carry no servers.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { McpServerSchema } from "../../../shared/api/mcp.ts";
import { getChatAgent } from "../../../workers/db/chat-agents.ts";
import { openDatabase } from "../../../workers/db/client.ts";
import { AgentSnapshotSchema } from "../../../workers/chat/agent-snapshot.ts";
import { mcpTools } from "../../../workers/agent/tools/mcp.ts";
import { api, createAgent, signIn } from "../helpers.ts";
import { MCP_URL, mcpToolContext, testMcpServer } from "./mcp-test-server.ts";

let server = testMcpServer();
beforeEach(() => {
  server = testMcpServer({ token: "s3cret-token" });
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => server.network(input, init));
});
afterEach(() => vi.restoreAllMocks());

async function agentWithServer(mode: "simple" | "advanced") {
  const { token } = await signIn();
  const agent = await createAgent(token, { execution_config: { mode } });
  const res = await api(`/api/v1/agents/${agent.id}/mcp-servers`, {
    method: "POST",
    token,
    json: { url: MCP_URL, token: "s3cret-token", name: "Orders" },
  });
  const created = McpServerSchema.parse(await res.json());
  const patched = await api(`/api/v1/agents/${agent.id}/mcp-servers/${created.id}`, {
    method: "PATCH",
    token,
    json: { enabled_tools: ["add"] },
  });
  expect(patched.status).toBe(200);
  return { agent, created };
}

const chatAgent = async (id: string) => {
  const found = await getChatAgent(openDatabase(env.HYPERDRIVE.connectionString), id);
  if (!found) throw new Error("agent not found");
  return found.snapshot;
};

describe("MCP servers in an agent's chat snapshot", () => {
  it("gives an advanced agent its enabled tools, sealed, and they call the server", async () => {
    const { agent, created } = await agentWithServer("advanced");
    const snapshot = AgentSnapshotSchema.parse(await chatAgent(agent.id));
    expect(snapshot.mcp_servers).toHaveLength(1);
    const [mcp] = snapshot.mcp_servers;
    expect(mcp).toMatchObject({ id: created.id, name: "Orders", url: MCP_URL });
    expect(mcp?.tools.map((t) => t.name)).toEqual(["add"]);
    expect(mcp?.token_encrypted).toBeTruthy();
    expect(mcp?.token_encrypted).not.toContain("s3cret-token");

    const [add] = mcpTools(snapshot.mcp_servers);
    if (!add) throw new Error("no tool");
    const outcome = await add.run(
      { a: 2, b: 3 },
      mcpToolContext(server.network, undefined, snapshot),
    );
    expect(outcome.content).toBe("2 + 3 = 5");
    expect(server.methods).toContain("tools/call");
  });

  it("gives a simple agent's sessions no servers", async () => {
    const { agent } = await agentWithServer("simple");
    expect((await chatAgent(agent.id)).mcp_servers).toEqual([]);
  });
});
