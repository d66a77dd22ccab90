/** Hit-testing: the chunks an agent would retrieve for a query (POST /api/v1/agents/{id}/search). */
import { z } from "zod";
import { SearchResultSchema } from "../../../../shared/api/documents.ts";
import type { SEARCH_MODES } from "../../../../shared/config.ts";
import { api } from "../../lib/api.ts";

const SearchAnswerSchema = z.object({ results: z.array(SearchResultSchema), mode: z.string() });
export type SearchAnswer = z.infer<typeof SearchAnswerSchema>;

export function searchAgentKnowledge(agentId: string, body: { query: string; top_k: number; mode?: (typeof SEARCH_MODES)[number] }): Promise<SearchAnswer> {
  return api(`/api/v1/agents/${encodeURIComponent(agentId)}/search`, { method: "POST", body, schema: SearchAnswerSchema });
}
