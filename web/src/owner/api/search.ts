/** Hit-testing: the chunks an agent would retrieve for a query (POST /api/v1/agents/{id}/search). */
import type { z } from "zod";
import { AgentSearchResponseSchema } from "../../../../shared/api/documents.ts";
import type { SEARCH_MODES } from "../../../../shared/config.ts";
import { api } from "../../lib/api.ts";

export type SearchAnswer = z.infer<typeof AgentSearchResponseSchema>;

export function searchAgentKnowledge(
  agentId: string,
  body: { query: string; top_k: number; mode?: (typeof SEARCH_MODES)[number] },
): Promise<SearchAnswer> {
  return api(`/api/v1/agents/${encodeURIComponent(agentId)}/search`, {
    method: "POST",
    body,
    schema: AgentSearchResponseSchema,
  });
}
