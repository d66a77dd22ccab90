/**
 * The prompt of a turn holds the agent's history window (execution_config.history_window
 * messages, default 10) of earlier turns. Measured through the offline provider's usage, which
 * counts about 4 prompt characters a token: a session's turn costs more than the same question
 * asked fresh by exactly the earlier messages inside the window.
 */
import { describe, expect, it } from "vitest";
import { ChatResponseDataSchema } from "../../../shared/protocol/chat.ts";
import { ask, initChat, openSocket, publicAgent, recordConversationActions } from "./helpers.ts";
import type { ChatInit } from "./helpers.ts";
import type { Agent } from "../../../shared/api/agents.ts";

recordConversationActions();

const QUESTION = "What else should I know?";

/** Asks `questions` in one new session; returns each user message and answer, and the last answer's prompt tokens. */
async function conversation(agent: Agent, questions: string[]) {
  const chat: ChatInit = await initChat(agent);
  const socket = await openSocket(chat);
  const turns: { question: string; answer: string; promptTokens: number }[] = [];
  for (const question of questions) {
    const data = ChatResponseDataSchema.parse((await ask(socket, question)).response.data);
    turns.push({ question, answer: data.message, promptTokens: data.usage.prompt_tokens });
  }
  socket.close();
  return turns;
}

/** Prompt tokens a turn spends beyond the same question asked in a fresh session. */
async function addedTokens(agent: Agent, earlier: string[]) {
  const turns = await conversation(agent, [...earlier, QUESTION]);
  const [fresh] = await conversation(agent, [QUESTION]);
  return { turns, added: (turns.at(-1)?.promptTokens ?? 0) - (fresh?.promptTokens ?? 0) };
}

const chars = (turns: { question: string; answer: string }[]) =>
  turns.reduce((n, t) => n + t.question.length + t.answer.length, 0);

describe("history window in the prompt", () => {
  it("includes every earlier message when they fit in the default window of 10", async () => {
    const { agent } = await publicAgent();
    const { turns, added } = await addedTokens(agent, ["Who are you?", "What do you sell?"]);
    expect(Math.abs(added - chars(turns.slice(0, 2)) / 4)).toBeLessThanOrEqual(1);
  });

  it("keeps only the last history_window messages", async () => {
    const { agent } = await publicAgent({ execution_config: { history_window: 2 } });
    const { turns, added } = await addedTokens(agent, ["Who are you?", "What do you sell?"]);
    expect(Math.abs(added - chars(turns.slice(1, 2)) / 4)).toBeLessThanOrEqual(1);
  });

  it("sends no history with a window of 0", async () => {
    const { agent } = await publicAgent({ execution_config: { history_window: 0 } });
    const { added } = await addedTokens(agent, ["Who are you?"]);
    expect(added).toBe(0);
  });
});
