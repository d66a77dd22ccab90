/**
 * MCP tools as the agent loop runs them: named and described for the model from the snapshot,
 * called through the official SDK client against a real MCP server (test/worker/agent/
 * mcp-test-server.ts), with the sealed bearer token opened for the call, behind the SSRF guard,
 * bounded by the step's signal; isError and every failure come back as a ToolError.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { mcpToolName } from "../../../../shared/tools.ts";
import type { McpServerSnapshot } from "../../../../workers/chat/agent-snapshot.ts";
import { mcpTokenPurpose } from "../../../../workers/agent/mcp-client.ts";
import { sealSecret } from "../../../../workers/agent/secret-box.ts";
import { mcpTools } from "../../../../workers/agent/tools/mcp.ts";
import { ToolError } from "../../../../workers/agent/tools/types.ts";
import { MCP_URL, mcpToolContext, PRIVATE_HOST, testMcpServer } from "../mcp-test-server.ts";

const SERVER_ID = "3f1c2b4a-1111-4222-8333-944455556666";
const schema = (props: Record<string, unknown>) => ({ type: "object", properties: props });

function snapshot(over: Partial<McpServerSnapshot> = {}): McpServerSnapshot {
  return {
    id: SERVER_ID,
    name: "Orders",
    url: MCP_URL,
    token_encrypted: null,
    tools: [
      { name: "add", description: "Adds two numbers", input_schema: schema({ a: {}, b: {} }) },
      { name: "lookup_order", description: "Finds an order", input_schema: schema({}) },
      { name: "wait", description: "Waits", input_schema: schema({}) },
    ],
    ...over,
  };
}

let server = testMcpServer();
afterEach(() => server.release());

const context = (signal?: AbortSignal) => mcpToolContext(server.network, signal);

async function run(
  s: McpServerSnapshot,
  tool: string,
  args: Record<string, unknown>,
  ctx = context(),
) {
  const found = mcpTools([s]).find((t) => t.spec.name === mcpToolName(s.id, tool));
  if (!found) throw new Error(`no tool ${tool}`);
  return found.run(found.args.parse(args), ctx);
}

async function toolError(promise: Promise<unknown>): Promise<string> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ToolError);
  return err instanceof Error ? err.message : "";
}

describe("MCP tools", () => {
  it("names each enabled tool for the model and passes its JSON Schema through", () => {
    const tools = mcpTools([snapshot()]);
    expect(tools.map((t) => t.spec.name)).toEqual([
      "mcp_3f1c2b4a_add",
      "mcp_3f1c2b4a_lookup_order",
      "mcp_3f1c2b4a_wait",
    ]);
    expect(tools[0]?.spec.parameters).toEqual(schema({ a: {}, b: {} }));
    expect(tools[0]?.spec.description).toContain("Adds two numbers");
    expect(tools[0]?.describeCall({ a: 1 })).toBe("Using Orders: add");
    expect(tools[0]?.args.safeParse("not an object").success).toBe(false);
  });

  it("calls the server's tool and returns its text with a step summary", async () => {
    server = testMcpServer();
    const outcome = await run(snapshot(), "add", { a: 2, b: 40 });
    expect(outcome).toEqual({
      content: "2 + 40 = 42",
      summary: "Used Orders: add",
      detail: "2 + 40 = 42",
    });
  });

  it("sends the decrypted bearer token, and a wrong one gives an error the owner can read", async () => {
    server = testMcpServer({ token: "s3cret-token" });
    const sealed = (t: string) => sealSecret(env, t, mcpTokenPurpose(SERVER_ID));
    const ok = await run(snapshot({ token_encrypted: await sealed("s3cret-token") }), "add", {
      a: 1,
      b: 1,
    });
    expect(ok.content).toBe("1 + 1 = 2");
    expect(server.requests.length).toBeGreaterThan(0);
    expect(
      server.requests.every((r) => r.headers.get("authorization") === "Bearer s3cret-token"),
    ).toBe(true);
    const wrong = await toolError(
      run(snapshot({ token_encrypted: await sealed("wrong") }), "add", { a: 1, b: 1 }),
    );
    expect(wrong).toBe(
      "Orders: mcp.example.com refused the bearer token (HTTP 401): check the token you gave for this server.",
    );
    expect(await toolError(run(snapshot(), "add", { a: 1, b: 1 }))).toMatch(
      /requires a bearer token/,
    );
  });

  it("turns a result flagged isError into a ToolError for the model", async () => {
    server = testMcpServer();
    expect(await run(snapshot(), "lookup_order", { order_id: "A-1" })).toMatchObject({
      content: "Order A-1: shipped on 2 December",
    });
    expect(await toolError(run(snapshot(), "lookup_order", { order_id: "Z-9" }))).toBe(
      "Orders reported an error from lookup_order: No order Z-9",
    );
  });

  it("ends a call that outlives the step's signal with a timeout error", async () => {
    server = testMcpServer();
    const step = new AbortController();
    const pending = run(snapshot(), "wait", {}, context(step.signal));
    // Abort once the call has reached the server.
    while (!server.methods.includes("tools/call")) await new Promise((r) => setTimeout(r, 5));
    step.abort();
    expect(await toolError(pending)).toMatch(/^Orders: mcp\.example\.com did not answer within/);
  });

  it("ends a call that outlives the tool's own time limit", async () => {
    server = testMcpServer();
    const [, , wait] = mcpTools([snapshot()], { timeoutMs: 200 });
    if (!wait) throw new Error("no tool");
    expect(wait.timeoutMs).toBe(200);
    expect(await toolError(wait.run({}, context()))).toBe(
      "Orders: mcp.example.com did not answer within 200 ms.",
    );
  });

  it("refuses loopback, private and metadata addresses before any request is made", async () => {
    server = testMcpServer();
    for (const url of [
      "http://127.0.0.1/mcp",
      "http://10.1.2.3/mcp",
      "http://169.254.169.254/latest/meta-data/",
      "http://localhost:8080/mcp",
      `https://${PRIVATE_HOST}/mcp`,
    ]) {
      const message = await toolError(run(snapshot({ url }), "add", { a: 1, b: 2 }));
      expect(message, url).toMatch(
        /^Orders: This MCP server cannot be used: .*not a public address/,
      );
    }
    expect(server.requests).toEqual([]);
  });

  it("says the token must be entered again when it no longer opens", async () => {
    server = testMcpServer({ token: "s3cret-token" });
    const elsewhere = await sealSecret(env, "s3cret-token", mcpTokenPurpose(crypto.randomUUID()));
    expect(
      await toolError(run(snapshot({ token_encrypted: elsewhere }), "add", { a: 1, b: 1 })),
    ).toBe(
      "The token for Orders cannot be read on this server; the owner needs to enter it again.",
    );
    expect(server.requests).toEqual([]);
  });
});
