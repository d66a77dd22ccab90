/**
 * knowledge_search: the agent's own documents, searched the way a rag-mode turn searches them
 * (workers/chat/retrieve.ts: the agent's search mode, top_k and similarity threshold). Tenant
 * and agent come from the session's snapshot, never from the model's arguments, so no query
 * can reach another tenant's or another agent's documents.
 */
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolArguments } from "../../../shared/tools.ts";
import { searchKnowledge, toPassages } from "../../chat/retrieve.ts";
import type { AgentTool } from "./types.ts";

type Args = ToolArguments<"knowledge_search">;

const quoted = (q: string) => `'${q.length > 80 ? `${q.slice(0, 79)}…` : q}'`;

export const knowledgeSearchTool: AgentTool<Args> = {
  spec: {
    name: "knowledge_search",
    description: TOOL_DESCRIPTIONS.knowledge_search,
    parameters: toolParameters(TOOL_ARGUMENTS.knowledge_search),
  },
  args: TOOL_ARGUMENTS.knowledge_search,
  describeCall: (args) => `Searching the knowledge base for ${quoted(args.query)}`,
  async run(args, ctx) {
    const config = ctx.agent.query_config;
    const hits = await searchKnowledge(ctx.env, {
      tenantId: ctx.agent.tenant_id,
      agentId: ctx.agent.id,
      query: args.query,
      topK: args.top_k ?? config.top_k,
      // `simple` retrieves nothing in rag mode; a tool the owner switched on still searches.
      mode: config.search_mode,
      similarityThreshold: config.similarity_threshold,
    });
    const passages = toPassages(hits);
    const n = passages.length;
    return {
      content:
        n === 0
          ? "No passage of the knowledge base matches this query closely enough. Try other words, or tell the visitor the knowledge base does not cover it."
          : `${n} passage${n === 1 ? "" : "s"} found:`,
      summary: `Searched the knowledge base for ${quoted(args.query)} — ${n === 0 ? "nothing found" : `${n} passage${n === 1 ? "" : "s"}`}`,
      detail:
        passages.map((p) => `${p.document_name}${p.page ? ` (page ${p.page})` : ""}`).join("\n") ||
        null,
      passages,
    };
  },
};
