/** Shared by the route tests: the MCP server routes' test server behind the Worker's fetch, and their calls. */
import { afterEach, beforeEach, expect, vi } from "vitest";
import { McpServerSchema } from "../../../../shared/api/mcp.ts";
import type { McpServer } from "../../../../shared/api/mcp.ts";
import { testMcpServer } from "../../agent/mcp-test-server.ts";
import { api, createAgent, signIn } from "../../helpers.ts";

/** Installs, for each test of the calling file, a server requiring `token`; `current()` is it. */
export function useTestMcpServer(token = "s3cret-token") {
  let server = testMcpServer({ token });
  beforeEach(() => {
    server = testMcpServer({ token });
    vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => server.network(input, init));
  });
  afterEach(() => {
    server.release();
    vi.restoreAllMocks();
  });
  return {
    current: () => server,
    /** Replaces the server (e.g. one whose token was rotated) for the rest of the test. */
    replace: (next: ReturnType<typeof testMcpServer>) => {
      server = next;
    },
  };
}

export const servers = (agentId: string) => `/api/v1/agents/${agentId}/mcp-servers`;

export async function ownerAgent() {
  const owner = await signIn();
  return { token: owner.token, agent: await createAgent(owner.token) };
}

export async function attach(token: string, agentId: string, body: Record<string, unknown>) {
  const res = await api(servers(agentId), { method: "POST", token, json: body });
  expect(res.status, await res.clone().text()).toBe(201);
  return McpServerSchema.parse(await res.json());
}

export function patch(token: string, s: McpServer, body: Record<string, unknown>) {
  return api(`${servers(s.agent_id)}/${s.id}`, { method: "PATCH", token, json: body });
}
