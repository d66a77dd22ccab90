/**
 * The tools an agent's advanced-mode turn may call: the built-in tools its owner switched on
 * (execution_config.tools), then the enabled tools of its MCP servers.
 */
import type { AgentSnapshot } from "../../chat/agent-snapshot.ts";
import { calculatorTool } from "./calculator.ts";
import { captureContactTool } from "./capture-contact.ts";
import { currentDatetimeTool } from "./current-datetime.ts";
import { fetchPageTool } from "./fetch-page.ts";
import { knowledgeSearchTool } from "./knowledge-search.ts";
import { mcpTools } from "./mcp.ts";
import type { AgentTool } from "./types.ts";

export function agentTools(agent: AgentSnapshot): AgentTool[] {
  const on = agent.execution_config.tools;
  const tools: AgentTool[] = [];
  if (on.knowledge_search.enabled) tools.push(knowledgeSearchTool as AgentTool);
  if (on.fetch_page.enabled && on.fetch_page.allowed_domains.length > 0)
    tools.push(fetchPageTool(on.fetch_page.allowed_domains) as AgentTool);
  if (on.calculator.enabled) tools.push(calculatorTool as AgentTool);
  if (on.current_datetime.enabled) tools.push(currentDatetimeTool as AgentTool);
  if (on.capture_contact.enabled) tools.push(captureContactTool as AgentTool);
  tools.push(...mcpTools(agent.mcp_servers));
  return tools;
}
