/**
 * The similarity threshold in a whole chat turn, in the default hybrid search: a question the
 * agent's documents do not cover, though it shares a word with one of them, retrieves no
 * passage, and the answer (the offline extractive provider's: no key is set here) says the
 * knowledge base has nothing on it. A covered question in the same session still gets its
 * passage, and a threshold of 0 keeps the weak match.
 */
import { describe, expect, it } from "vitest";
import { holdPipelineQueues } from "../ingestion/pipeline.ts";
import { ask, initChat, openSocket, recordConversationActions } from "./helpers.ts";
import { volcanoAgent } from "./volcano-agent.ts";

holdPipelineQueues();
recordConversationActions();

/** Off topic, but "towns" is in the Vesuvius document: full-text and hybrid search find it. */
const OFF_TOPIC = "Which towns sell the cheapest train tickets this week?";

async function volcanoChat(queryConfig: Record<string, unknown>) {
  const owner = await volcanoAgent("Volcano guide", {
    mode: "rag",
    search_mode: "hybrid",
    ...queryConfig,
  });
  return openSocket(await initChat(owner.agent));
}

const sourcesOf = (f: { data: Record<string, unknown> }) =>
  f.data["sources"] as { document_name: string }[];

describe("a question the knowledge does not cover", () => {
  it("retrieves nothing under the default threshold, and the answer says the knowledge base has nothing on it", async () => {
    const socket = await volcanoChat({});
    const offTopic = await ask(socket, OFF_TOPIC);
    const covered = await ask(socket, "When did Vesuvius last erupt?");
    socket.close();

    expect(sourcesOf(offTopic.response)).toEqual([]);
    expect(String(offTopic.response.data["message"])).toMatch(
      /knowledge base has nothing on that question/,
    );
    expect(sourcesOf(covered.response)[0]?.document_name).toBe("vesuvius.txt");
    expect(String(covered.response.data["message"])).toMatch(/1944/);
  });

  it("keeps the weak match when the owner sets the threshold to 0", async () => {
    const socket = await volcanoChat({ similarity_threshold: 0 });
    const offTopic = await ask(socket, OFF_TOPIC);
    socket.close();
    // Sources are the passages the answer cites: the extractive answer quotes the "towns" sentence.
    expect(sourcesOf(offTopic.response).map((s) => s.document_name)).toEqual(["vesuvius.txt"]);
  });
});
