/**
 * The tools an agent's advanced-mode turn may call: the built-in tools its owner switched on
 * (execution_config.tools), then the enabled tools of its MCP servers.
 */
import type { AgentSnapshot } from "../../chat/agent-snapshot.ts";
import { knowledgeSearchTool } from "./knowledge-search.ts";
import type { AgentTool } from "./types.ts";

export function agentTools(agent: AgentSnapshot): AgentTool[] {
  const on = agent.execution_config.tools;
  const tools: AgentTool[] = [];
  if (on.knowledge_search.enabled) tools.push(knowledgeSearchTool as AgentTool);
  return tools;
}
