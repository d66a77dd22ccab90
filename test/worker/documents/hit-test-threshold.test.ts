/**
 * Hit-testing (POST /api/v1/agents/{id}/search) lists every match with its relevance signals
 * and whether the agent's similarity threshold lets a chat turn use it, so an owner can see
 * what the threshold does before a visitor asks.
 */
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { AgentSearchResponseSchema } from "../../../shared/api/documents.ts";
import { CONFIG_LIMITS } from "../../../shared/config.ts";
import { api, createAgent, signIn } from "../helpers.ts";
import { holdPipelineQueues } from "../ingestion/pipeline.ts";
import { ingested } from "./helpers.ts";

holdPipelineQueues();

type Answer = z.infer<typeof AgentSearchResponseSchema>;

async function hitTest(token: string, agentId: string, query: string): Promise<Answer> {
  const res = await api(`/api/v1/agents/${agentId}/search`, {
    method: "POST",
    token,
    json: { query },
  });
  if (res.status !== 200) throw new Error(`search failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Answer;
}

describe("hit-testing and the similarity threshold", () => {
  it("shows a weak match as below the threshold and a real one above it, with their signals", async () => {
    const owner = await signIn();
    const agent = await createAgent(owner.token);
    await ingested(
      owner.token,
      "vesuvius.txt",
      "Vesuvius last erupted in 1944; when it erupts again the towns around Naples will be evacuated.",
      { agent_ids: [agent.id] },
    );
    await ingested(
      owner.token,
      "bread.txt",
      "Sourdough bread rises slowly with a wild yeast starter and a long fermentation.",
      { agent_ids: [agent.id] },
    );

    const weak = await hitTest(
      owner.token,
      agent.id,
      "Which towns sell the cheapest train tickets this week?",
    );
    expect(weak.similarity_threshold).toBe(CONFIG_LIMITS.similarityThreshold.default);
    expect(weak.results[0]).toMatchObject({
      document_name: "vesuvius.txt",
      above_threshold: false,
    });
    expect(weak.results[0]?.text_score).toBeLessThan(weak.similarity_threshold);

    const strong = await hitTest(owner.token, agent.id, "When did Vesuvius last erupt?");
    expect(strong.results[0]).toMatchObject({
      document_name: "vesuvius.txt",
      above_threshold: true,
      text_score: 1,
    });
    expect(strong.results[0]?.dense_score).toBeGreaterThan(0);
  });
});
