/**
 * Retrieval through a whole chat turn: documents ingested by the real pipeline and assigned to
 * the agent, a visitor's messages over the session's WebSocket, and the passages the turn used
 * coming back as `chat_response.sources`. In `advanced` query mode the ChatSession hands the
 * conversation to the query service, so a follow-up ("When did it last erupt?") is searched
 * about the volcano the visitor asked about before; in `rag` mode the same follow-up is
 * searched as it stands. (The offline extractive provider answers: no key is set here.)
 */
import { describe, expect, it } from "vitest";
import { holdPipelineQueues } from "../ingestion/pipeline.ts";
import { ask, initChat, openSocket, recordConversationActions } from "./helpers.ts";
import { volcanoAgent } from "./volcano-agent.ts";

holdPipelineQueues();
recordConversationActions();

interface SourceOut {
  document_id: string;
  document_name: string;
  snippet: string;
}

async function converse(mode: "advanced" | "rag") {
  const { agent, ids } = await volcanoAgent(`Volcano guide (${mode})`, { mode, top_k: 3 });
  const chat = await initChat(agent);
  const socket = await openSocket(chat);
  const first = await ask(socket, "Tell me about Mount Etna.");
  const followUp = await ask(socket, "When did it last erupt?");
  socket.close();
  const sources = (f: { data: Record<string, unknown> }) => f.data["sources"] as SourceOut[];
  return {
    ids,
    first: sources(first.response),
    followUp: sources(followUp.response),
    answer: String(followUp.response.data["message"]),
  };
}

describe("retrieval in a chat turn", () => {
  it("answers from the agent's documents and returns them as sources", async () => {
    const { ids, first } = await converse("rag");
    expect(first[0]).toMatchObject({ document_id: ids.etna, document_name: "etna.txt" });
    expect(first[0]?.snippet).toContain("Etna");
  });

  it("sends only the passages the answer cites, though the turn retrieved more", async () => {
    // A threshold of 0 keeps all three documents in the prompt; the answer quotes one.
    const { agent } = await volcanoAgent("Volcano guide (cited)", {
      mode: "rag",
      search_mode: "hybrid",
      top_k: 3,
      similarity_threshold: 0,
    });
    const socket = await openSocket(await initChat(agent));
    const { response } = await ask(socket, "When did Vesuvius last erupt near Naples?");
    socket.close();
    const message = String(response.data["message"]);
    const sources = response.data["sources"] as SourceOut[];
    const cited = new Set(message.match(/\[\d+\]/g));
    expect(sources.map((s) => s.document_name)).toEqual(["vesuvius.txt"]);
    expect(cited).toEqual(new Set(["[1]"]));
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
