/**
 * What the MCP server routes refuse: URLs that are not public (the SSRF guard, before any
 * request), a sixth server on one agent, and a server id named under an agent it is not
 * attached to (the owner's other agent, or another tenant's).
 */
import { describe, expect, it } from "vitest";
import type { McpServer } from "../../../../shared/api/mcp.ts";
import { MCP_URL } from "../../agent/mcp-test-server.ts";
import { api, createAgent, expectError } from "../../helpers.ts";
import { attach, ownerAgent, servers, useTestMcpServer } from "./helpers.ts";

const mcp = useTestMcpServer();

describe("/api/v1/agents/{id}/mcp-servers refusals", () => {
  it("refuses non-public URLs and saves nothing", async () => {
    const { token, agent } = await ownerAgent();
    for (const url of [
      "http://127.0.0.1/mcp",
      "http://10.0.0.8/mcp",
      "http://169.254.169.254/latest/meta-data/",
      "https://mcp.attacker.example/mcp",
    ]) {
      const error = await expectError(
        await api(servers(agent.id), { method: "POST", token, json: { url } }),
        400,
        "URL_NOT_ALLOWED",
      );
      expect(error.message, url).toMatch(/^This MCP server cannot be used: .*not a public address/);
    }
    expect(mcp.current().requests).toEqual([]);
    const list = await api(servers(agent.id), { token });
    expect(await list.json()).toEqual({ items: [] });
  });

  it("answers 404 for a server named under another agent, its owner's or another tenant's", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL });
    const sibling = await createAgent(token);
    const other = await ownerAgent();
    const calls = [
      [token, sibling.id],
      [other.token, other.agent.id],
    ] as const;
    for (const [who, agentId] of calls) {
      const at = `${servers(agentId)}/${created.id}`;
      for (const [method, path] of [
        ["PATCH", at],
        ["DELETE", at],
        ["POST", `${at}/refresh`],
      ] as const) {
        const res = await api(path, {
          method,
          token: who,
          ...(method === "PATCH" ? { json: { name: "Taken" } } : {}),
        });
        await expectError(res, 404, "MCP_SERVER_NOT_FOUND");
      }
    }
    const list = (await (await api(servers(agent.id), { token })).json()) as { items: McpServer[] };
    expect(list.items).toEqual([created]);
  });

  it("allows five servers per agent and detaches one", async () => {
    const { token, agent } = await ownerAgent();
    const made: McpServer[] = [];
    for (let i = 0; i < 5; i++)
      made.push(await attach(token, agent.id, { url: `${MCP_URL}?n=${i}` }));
    await expectError(
      await api(servers(agent.id), { method: "POST", token, json: { url: `${MCP_URL}?n=6` } }),
      409,
      "MCP_SERVER_LIMIT",
    );
    const first = made[0];
    if (!first) throw new Error("no server");
    const res = await api(`${servers(agent.id)}/${first.id}`, { method: "DELETE", token });
    expect(await res.json()).toEqual({ id: first.id, deleted: true });
    await attach(token, agent.id, { url: `${MCP_URL}?n=6` });
  });
});
