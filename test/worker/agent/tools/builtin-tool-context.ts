/**
 * A ToolContext for running one built-in tool by itself (calculator, current_datetime,
 * fetch_page): the real Worker env, an advanced-mode agent, and the clock, fetch and signal a
 * test chooses. saveContact must not be reached by these tools, so it fails the test.
 */
import { env } from "cloudflare:test";
import { ExecutionConfigSchema, QueryConfigSchema } from "../../../../shared/config.ts";
import { ToolError } from "../../../../workers/agent/tools/types.ts";
import type { ToolContext } from "../../../../workers/agent/tools/types.ts";

export function builtinToolContext(overrides: Partial<ToolContext> = {}): ToolContext {
  return {
    env,
    agent: {
      id: crypto.randomUUID(),
      tenant_id: crypto.randomUUID(),
      name: "Tool tester",
      description: null,
      system_prompt: "You use tools.",
      execution_config: ExecutionConfigSchema.parse({ mode: "advanced" }),
      query_config: QueryConfigSchema.parse({}),
      mcp_servers: [],
    },
    conversationId: crypto.randomUUID(),
    sessionId: crypto.randomUUID(),
    visitorMessages: ["Hello"],
    signal: new AbortController().signal,
    fetch: () => Promise.reject(new Error("this test does not expect any request")),
    now: () => new Date("2026-03-29T00:30:00Z"),
    saveContact: () => Promise.reject(new Error("a built-in tool saved a contact")),
    ...overrides,
  };
}

/** The message of the ToolError a tool call failed with; fails the test on success or another error. */
export async function toolRefusal(call: Promise<unknown>): Promise<string> {
  const err: unknown = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(err)}`);
  return err.message;
}
