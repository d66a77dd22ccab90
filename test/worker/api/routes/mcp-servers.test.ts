/**
 * /api/v1/agents/{id}/mcp-servers: attaching a real MCP server (test/worker/agent/
 * mcp-test-server.ts) lists its tools; the owner enables them one by one, refreshes, detaches;
 * the token is sealed in the database and never answered; unreachable or refusing servers are
 * saved with a reason; non-public URLs are refused; an agent has at most five servers.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { McpServerSchema } from "../../../../shared/api/mcp.ts";
import type { McpServer } from "../../../../shared/api/mcp.ts";
import { openDatabase } from "../../../../workers/db/client.ts";
import { MCP_URL, testMcpServer } from "../../agent/mcp-test-server.ts";
import { api, createAgent, expectError, signIn } from "../../helpers.ts";

let server = testMcpServer();
beforeEach(() => {
  server = testMcpServer({ token: "s3cret-token" });
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => server.network(input, init));
});
afterEach(() => {
  server.release();
  vi.restoreAllMocks();
});

const servers = (agentId: string) => `/api/v1/agents/${agentId}/mcp-servers`;

async function ownerAgent() {
  const owner = await signIn();
  return { token: owner.token, agent: await createAgent(owner.token) };
}

async function attach(token: string, agentId: string, body: Record<string, unknown>) {
  const res = await api(servers(agentId), { method: "POST", token, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return McpServerSchema.parse(await res.json());
}

async function patch(token: string, s: McpServer, body: Record<string, unknown>) {
  return api(`${servers(s.agent_id)}/${s.id}`, { method: "PATCH", token, json: body });
}

describe("/api/v1/agents/{id}/mcp-servers", () => {
  it("attaches a server, lists its tools with none enabled, and enables them one by one", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL, token: "s3cret-token" });
    expect(created).toMatchObject({
      agent_id: agent.id,
      name: "Orders test server",
      url: MCP_URL,
      has_token: true,
      last_error: null,
    });
    expect(created.tools.map((t) => [t.name, t.enabled])).toEqual([
      ["add", false],
      ["lookup_order", false],
      ["wait", false],
    ]);
    expect(created.tools[0]?.input_schema).toMatchObject({
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
    });
    expect(JSON.stringify(created)).not.toContain("s3cret-token");

    const res = await patch(token, created, { enabled_tools: ["add"], name: "Orders" });
    expect(res.status).toBe(200);
    const updated = McpServerSchema.parse(await res.json());
    expect(updated.name).toBe("Orders");
    expect(updated.tools.filter((t) => t.enabled).map((t) => t.name)).toEqual(["add"]);

    const list = await api(servers(agent.id), { token });
    expect(((await list.json()) as { items: McpServer[] }).items).toEqual([updated]);
  });

  it("refuses to enable a tool the server did not list", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL, token: "s3cret-token" });
    const error = await expectError(
      await patch(token, created, { enabled_tools: ["add", "drop_tables"] }),
      400,
      "VALIDATION_FAILED",
    );
    expect(error.fields?.[0]).toMatchObject({ field: "enabled_tools" });
    expect(error.message).toContain("drop_tables");
  });

  it("stores the token encrypted: the database column is not the token", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL, token: "s3cret-token" });
    const [row] = await openDatabase(env.HYPERDRIVE.connectionString)<
      { token_encrypted: string }[]
    >`
      select token_encrypted from mcp_servers where id = ${created.id}`;
    expect(row?.token_encrypted).toMatch(/^[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row?.token_encrypted).not.toContain("s3cret-token");
    expect(row?.token_encrypted).not.toContain(btoa("s3cret-token").replace(/=+$/, ""));
  });

  it("saves a server that refuses the token with the reason, and lists it once the token is fixed", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL, token: "wrong" });
    expect(created).toMatchObject({ tools: [], listed_at: null, has_token: true });
    expect(created.last_error).toBe(
      "mcp.example.com refused the bearer token (HTTP 401): check the token you gave for this server.",
    );
    const fixed = McpServerSchema.parse(
      await (await patch(token, created, { token: "s3cret-token" })).json(),
    );
    expect(fixed.last_error).toBeNull();
    expect(fixed.tools.map((t) => t.name)).toEqual(["add", "lookup_order", "wait"]);
  });

  it("saves an unreachable server with the reason", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: "https://gone.example.org/mcp" });
    expect(created.tools).toEqual([]);
    expect(created.last_error).toBe(
      "Could not look up the address of gone.example.org; check the URL, or try again later.",
    );
  });

  it("refreshes the tool list keeping what was enabled, and keeps the tools when the server fails", async () => {
    const { token, agent } = await ownerAgent();
    const created = await attach(token, agent.id, { url: MCP_URL, token: "s3cret-token" });
    await patch(token, created, { enabled_tools: ["lookup_order"] });
    const refresh = () =>
      api(`${servers(agent.id)}/${created.id}/refresh`, { method: "POST", token });
    const again = McpServerSchema.parse(await (await refresh()).json());
    expect(again.tools.filter((t) => t.enabled).map((t) => t.name)).toEqual(["lookup_order"]);
    expect(again.last_error).toBeNull();

    server = testMcpServer({ token: "rotated" });
    const failed = McpServerSchema.parse(await (await refresh()).json());
    expect(failed.last_error).toMatch(/refused the bearer token/);
    expect(failed.tools).toEqual(again.tools);
  });

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
    expect(server.requests).toEqual([]);
    const list = await api(servers(agent.id), { token });
    expect(await list.json()).toEqual({ items: [] });
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
