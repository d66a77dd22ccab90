/**
 * The prompt and the tools in OpenAI's chat-completions shape, which Groq, OpenAI-compatible
 * servers and Workers AI's function-calling models all read.
 */
import type { AgentTurn, ToolSpec } from "./types.ts";

export type WireMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: WireToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface WireTool {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export function toWireMessages(messages: AgentTurn[]): WireMessage[] {
  return messages.map((m): WireMessage => {
    if (m.role === "tool")
      return { role: "tool", tool_call_id: m.tool_call_id, content: m.content };
    if (m.role === "assistant" && "tool_calls" in m)
      return {
        role: "assistant",
        content: m.content || null,
        tool_calls: m.tool_calls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    return { role: m.role, content: m.content };
  });
}

export function toWireTools(tools: ToolSpec[] | undefined): WireTool[] | undefined {
  if (!tools?.length) return undefined;
  return tools.map((t) => ({
    type: "function",
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}

/**
 * The request fields that offer tools, for a request that has any: the tools, the model left to
 * choose between answering and calling (`auto`), and several calls in one turn allowed (both
 * Groq and OpenAI take `parallel_tool_calls`). Empty without tools, so a request without them
 * stays exactly what it was before tools existed.
 */
export function wireToolFields(
  tools: ToolSpec[] | undefined,
): { tools: WireTool[]; tool_choice: "auto"; parallel_tool_calls: true } | Record<never, never> {
  const wire = toWireTools(tools);
  return wire ? { tools: wire, tool_choice: "auto", parallel_tool_calls: true } : {};
}
