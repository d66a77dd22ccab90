/**
 * The knowledge the chat retrieval tests share: three short documents (two volcanoes, one
 * unrelated) ingested through the real pipeline and assigned to one public agent.
 */
import { drain, ingestText } from "../ingestion/pipeline.ts";
import { publicAgent } from "./helpers.ts";

export const VOLCANO_DOCS = {
  etna: "Mount Etna on Sicily erupted again in 2021: Etna's summit craters sent lava fountains and ash over Catania.",
  vesuvius:
    "Vesuvius last erupted in 1944; when it erupts again the towns around Naples will be evacuated.",
  bread: "Sourdough bread rises slowly with a wild yeast starter and a long fermentation.",
};

/** An owner with one public agent (`queryConfig` on top of the defaults) that knows the three documents; `ids` by document key. */
export async function volcanoAgent(name: string, queryConfig: Record<string, unknown>) {
  const owner = await publicAgent({ name, query_config: queryConfig });
  const ids: Record<string, string> = {};
  for (const [key, text] of Object.entries(VOLCANO_DOCS)) {
    const job = await ingestText(owner.token, text, {
      document_name: `${key}.txt`,
      agent_ids: [owner.agent.id],
    });
    await drain(job.job_id);
    ids[key] = job.document_id;
  }
  return { ...owner, ids };
}
