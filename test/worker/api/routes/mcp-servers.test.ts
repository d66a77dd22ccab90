/**
 * /api/v1/agents/{id}/mcp-servers: attaching a real MCP server (test/worker/agent/
 * mcp-test-server.ts) lists its tools; the owner enables them one by one and refreshes; the token
 * is sealed in the database and never answered; unreachable or refusing servers are saved with a
 * reason.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { McpServerSchema } from "../../../../shared/api/mcp.ts";
import type { McpServer } from "../../../../shared/api/mcp.ts";
import { openDatabase } from "../../../../workers/db/client.ts";
import { MCP_URL, testMcpServer } from "../../agent/mcp-test-server.ts";
import { api, expectError } from "../../helpers.ts";
import { attach, ownerAgent, patch, servers, useTestMcpServer } from "./helpers.ts";

const mcp = useTestMcpServer();

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

    mcp.replace(testMcpServer({ token: "rotated" }));
    const failed = McpServerSchema.parse(await (await refresh()).json());
    expect(failed.last_error).toMatch(/refused the bearer token/);
    expect(failed.tools).toEqual(again.tools);
  });
});
