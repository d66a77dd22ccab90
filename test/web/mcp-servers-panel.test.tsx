/**
 * The MCP servers panel against the API faked at the fetch level (the routes' bodies are
 * shared/api/mcp.ts): attaching a server sends its URL, name and token and shows its tools,
 * none on; a switch sends the whole list of enabled tools; a server's last error is shown;
 * the server's refusal of an attach is shown; refresh and remove call their routes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import type { McpServer } from "../../shared/api/mcp.ts";
import { McpServersPanel } from "../../web/src/owner/components/McpServersPanel.tsx";

const AGENT = "5f0c8a1e-1111-4c3b-9a55-000000000001";
const BASE = `/api/v1/agents/${AGENT}/mcp-servers`;
const server = (over: Partial<McpServer> = {}): McpServer => ({
  id: "5f0c8a1e-2222-4c3b-9a55-000000000002",
  agent_id: AGENT,
  name: "Orders",
  url: "https://mcp.example.com/mcp",
  has_token: true,
  tools: [
    { name: "lookup_order", description: "Finds an order.", input_schema: {}, enabled: false },
    { name: "cancel_order", description: "Cancels one.", input_schema: {}, enabled: false },
  ],
  listed_at: "2026-12-03T10:00:00Z",
  last_error: null,
  created_at: "2026-12-03T10:00:00Z",
  ...over,
});

let calls: { method: string; path: string; body: unknown }[];
let answer: (method: string, path: string, body: unknown) => Response;

beforeEach(() => {
  calls = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init: RequestInit = {}) => {
      const method = init.method ?? "GET";
      const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
      if (path === "/api/v1/client-config") return new Response(null, { status: 404 });
      calls.push({ method, path, body });
      return answer(method, path, body);
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** The list has loaded: Attach is enabled. */
const loaded = () =>
  waitFor(() =>
    expect(screen.getByRole("button", { name: "Attach server" })).toHaveProperty("disabled", false),
  );
const type = (label: string, value: string) =>
  fireEvent.input(screen.getByLabelText(label), { target: { value } });

describe("MCP servers panel", () => {
  it("attaches a server with its token and shows its tools switched off", async () => {
    answer = (method) =>
      method === "POST" ? Response.json(server(), { status: 201 }) : Response.json({ items: [] });
    render(() => <McpServersPanel agentId={AGENT} />);
    await loaded();
    expect(calls).toEqual([{ method: "GET", path: BASE, body: undefined }]);
    type("Server URL", "not-a-url");
    fireEvent.click(screen.getByRole("button", { name: "Attach server" }));
    expect(screen.getByText("must be the server's http(s) URL")).toBeTruthy();
    expect(calls).toHaveLength(1); // nothing sent

    type("Server URL", "https://mcp.example.com/mcp");
    type("Name (optional)", "Orders");
    type("Bearer token (optional)", "secret-token");
    fireEvent.click(screen.getByRole("button", { name: "Attach server" }));
    await waitFor(() => expect(screen.getByRole("heading", { name: "Orders" })).toBeTruthy());
    expect(calls[1]).toEqual({
      method: "POST",
      path: BASE,
      body: { url: "https://mcp.example.com/mcp", name: "Orders", token: "secret-token" },
    });
    expect(screen.getByRole("switch", { name: /^lookup_order/ })).toHaveProperty("checked", false);
    expect(screen.getByText("Token set")).toBeTruthy();
    expect(screen.getByLabelText("Server URL")).toHaveProperty("value", ""); // ready for another
  });

  it("sends the enabled tools when a switch changes, and shows the server's answer", async () => {
    answer = (method, _path, body) =>
      method === "PATCH"
        ? Response.json(
            server({
              tools: server().tools.map((t) => ({
                ...t,
                enabled: (body as { enabled_tools: string[] }).enabled_tools.includes(t.name),
              })),
            }),
          )
        : Response.json({ items: [server()] });
    render(() => <McpServersPanel agentId={AGENT} />);
    const lookup = await screen.findByRole("switch", { name: /^lookup_order/ });
    fireEvent.click(lookup);
    await waitFor(() =>
      expect(screen.getByRole("switch", { name: /^lookup_order/ })).toHaveProperty("checked", true),
    );
    expect(calls.at(-1)).toEqual({
      method: "PATCH",
      path: `${BASE}/${server().id}`,
      body: { enabled_tools: ["lookup_order"] },
    });
    expect(screen.getByRole("switch", { name: /^cancel_order/ })).toHaveProperty("checked", false);
  });

  it("shows a server's last error, refreshes it, and shows a refused attach's reason", async () => {
    answer = (method, path) => {
      if (path.endsWith("/refresh")) return Response.json(server());
      if (method === "POST")
        return Response.json(
          {
            error: {
              code: "MCP_SERVER_UNREACHABLE",
              message: "The MCP server could not be reached: connection refused.",
            },
          },
          { status: 422 },
        );
      return Response.json({ items: [server({ tools: [], last_error: "401 Unauthorized" })] });
    };
    render(() => <McpServersPanel agentId={AGENT} />);
    expect(await screen.findByText(/Its tools could not be listed: 401 Unauthorized/)).toBeTruthy();
    expect(screen.getByText("This server lists no tools.")).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Refresh" }));
    await waitFor(() => expect(screen.queryByText(/could not be listed/)).toBeNull());
    expect(calls.at(-1)).toMatchObject({ method: "POST", path: `${BASE}/${server().id}/refresh` });
    expect(screen.getByRole("switch", { name: /^cancel_order/ })).toBeTruthy();

    await loaded();
    type("Server URL", "https://down.example.com/mcp");
    fireEvent.click(screen.getByRole("button", { name: "Attach server" }));
    expect(await screen.findByRole("alert")).toHaveProperty(
      "textContent",
      "The MCP server could not be reached: connection refused.",
    );
  });

  it("says why the list could not load and still offers to attach one", async () => {
    answer = () =>
      Response.json({ error: { code: "NOT_FOUND", message: "Not found." } }, { status: 404 });
    render(() => <McpServersPanel agentId={AGENT} />);
    expect(await screen.findByText(/Could not load the MCP servers: Not found./)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Attach server" })).toBeTruthy();
  });

  it("removes a server after confirmation", async () => {
    answer = (method) =>
      method === "DELETE"
        ? new Response(null, { status: 204 })
        : Response.json({ items: [server()] });
    render(() => <McpServersPanel agentId={AGENT} />);
    fireEvent.click(await screen.findByRole("button", { name: "Remove" }));
    fireEvent.click(screen.getByRole("button", { name: "Remove server" }));
    await waitFor(() => expect(screen.queryByRole("heading", { name: "Orders" })).toBeNull());
    expect(calls.at(-1)).toMatchObject({ method: "DELETE", path: `${BASE}/${server().id}` });
  });
});
