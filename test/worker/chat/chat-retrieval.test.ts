/**
 * Retrieval through a whole chat turn: documents ingested by the real pipeline and assigned to
 * the agent, a visitor's messages over the session's WebSocket, and the passages the turn used
 * coming back as `chat_response.sources`. In `advanced` query mode the ChatSession hands the
 * conversation to the query service, so a follow-up ("When did it last erupt?") is searched
 * about the volcano the visitor asked about before; in `rag` mode the same follow-up is
 * searched as it stands. (The offline extractive provider answers: no key is set here.)
 */
import { describe, expect, it } from "vitest";
import { drain, holdPipelineQueues, ingestText } from "../ingestion/pipeline.ts";
import { ask, initChat, openSocket, publicAgent, recordConversationActions } from "./helpers.ts";

holdPipelineQueues();
recordConversationActions();

const DOCS = {
  etna: "Mount Etna on Sicily erupted again in 2021: Etna's summit craters sent lava fountains and ash over Catania.",
  vesuvius: "Vesuvius last erupted in 1944; when it erupts again the towns around Naples will be evacuated.",
  bread: "Sourdough bread rises slowly with a wild yeast starter and a long fermentation.",
};

interface SourceOut {
  document_id: string;
  document_name: string;
  snippet: string;
}

/** An owner with one public agent in `mode`, and the three documents ingested and assigned to it. */
async function volcanoAgent(mode: "advanced" | "rag") {
  const owner = await publicAgent({ name: `Volcano guide (${mode})`, query_config: { mode, top_k: 3 } });
  const ids: Record<string, string> = {};
  for (const [name, text] of Object.entries(DOCS)) {
    const job = await ingestText(owner.token, text, { document_name: `${name}.txt`, agent_ids: [owner.agent.id] });
    await drain(job.job_id);
    ids[name] = job.document_id;
  }
  return { ...owner, ids };
}

async function converse(mode: "advanced" | "rag") {
  const { agent, ids } = await volcanoAgent(mode);
  const chat = await initChat(agent);
  const socket = await openSocket(chat);
  const first = await ask(socket, "Tell me about Mount Etna.");
  const followUp = await ask(socket, "When did it last erupt?");
  socket.close();
  const sources = (f: { data: Record<string, unknown> }) => f.data["sources"] as SourceOut[];
  return { ids, first: sources(first.response), followUp: sources(followUp.response), answer: String(followUp.response.data["message"]) };
}

describe("retrieval in a chat turn", () => {
  it("answers from the agent's documents and returns them as sources", async () => {
    const { ids, first } = await converse("rag");
    expect(first[0]).toMatchObject({ document_id: ids.etna, document_name: "etna.txt" });
    expect(first[0]?.snippet).toContain("Etna");
  });

  it("in advanced mode, searches a follow-up in the light of the conversation", async () => {
    const { ids, followUp, answer } = await converse("advanced");
    // "it" is Etna from the earlier turn: the Etna passage leads, not Vesuvius's "last erupted".
    expect(followUp[0]?.document_id).toBe(ids.etna);
    expect(answer).toMatch(/2021/);
  });

  it("in rag mode, searches the follow-up as it stands", async () => {
    const { ids, followUp } = await converse("rag");
    expect(followUp[0]?.document_id).toBe(ids.vesuvius);
  });
});
