/**
 * The prompt the LLM receives: the agent's system prompt, the retrieved passages (numbered for
 * citation) when there are any, the history window, then the visitor's message.
 */
import type { ChatTurn, Passage } from "../llm/types.ts";

export interface PromptInput {
  systemPrompt: string;
  passages: Passage[];
  /** Earlier turns of this session, oldest first (already cut to the history window). */
  history: ChatTurn[];
  userMessage: string;
}

export function formatPassages(passages: Passage[]): string {
  return passages
    .map(
      (p, i) =>
        `[${i + 1}] ${p.document_name}${p.page ? `, page ${p.page}` : ""}\n${p.text.trim()}`,
    )
    .join("\n\n");
}

export function buildPrompt(input: PromptInput): ChatTurn[] {
  let system = input.systemPrompt.trim();
  if (input.passages.length > 0) {
    system +=
      "\n\nAnswer from the knowledge passages below. Cite the passages you use as [1], [2], ... " +
      "If they do not cover the question, say that your knowledge base does not cover it instead of guessing." +
      `\n\n<knowledge>\n${formatPassages(input.passages)}\n</knowledge>`;
  }
  return [
    { role: "system", content: system },
    ...input.history,
    { role: "user", content: input.userMessage },
  ];
}

/** The last `window` turns (a window of 0 keeps no history). */
export function historyWindow(turns: ChatTurn[], window: number): ChatTurn[] {
  return window > 0 ? turns.slice(-window) : [];
}
