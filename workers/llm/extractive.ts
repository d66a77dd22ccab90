/**
 * The offline provider, used when no language model key is configured. It never pretends to
 * be a model: it says none is configured and quotes the knowledge passages' sentences that
 * share the most words with the question, citing them as [n] like a model is asked to.
 */
import type { Usage } from "../../shared/conversation.ts";
import { cancelledError } from "./errors.ts";
import type { ChatRequest, LLMProvider, Passage, StreamEvent } from "./types.ts";

const NO_MODEL = "No language model is configured on this server";
const MAX_QUOTES = 3;
const MAX_SENTENCE_CHARS = 400;

// Words that match everything and so tell nothing about relevance.
const STOP_WORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to was we were what when " +
    "where which who why will with would you your about any all also just more most some such tell please"
  ).split(" "),
);

/** Lowercase word stems without stop words; "refunds" and "refund" meet at one stem. */
export function terms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .filter((w) => !STOP_WORDS.has(w))
    .map((w) => w.replace(/(?<=[\p{L}\p{N}]{3})(?:es|s)$/u, ""));
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/\s+/g, " ").trim())
    .filter((s) => s.length > 0)
    .map((s) => (s.length > MAX_SENTENCE_CHARS ? `${s.slice(0, MAX_SENTENCE_CHARS)}…` : s));
}

interface Quote {
  text: string;
  citation: number;
  score: number;
  order: number;
}

/** The best sentences for `question`, most overlapping first; ties keep passage order. */
export function pickQuotes(question: string, passages: Passage[]): Quote[] {
  const wanted = new Set(terms(question));
  const quotes: Quote[] = [];
  passages.forEach((passage, index) => {
    for (const text of sentences(passage.text)) {
      const score = new Set(terms(text).filter((t) => wanted.has(t))).size;
      if (score > 0 && !quotes.some((q) => q.text === text))
        quotes.push({ text, citation: index + 1, score, order: quotes.length });
    }
  });
  return quotes.sort((a, b) => b.score - a.score || a.order - b.order).slice(0, MAX_QUOTES);
}

/** The whole answer for a request; pure, so the same request always gets the same answer. */
export function extractiveAnswer(request: ChatRequest): string {
  // A follow-up such as "When did it last erupt?" names its subject only in the rewrite.
  const question =
    request.searchQuery ?? request.messages.findLast((m) => m.role === "user")?.content ?? "";
  const quotes = pickQuotes(question, request.passages);
  if (quotes.length > 0) {
    const lines = quotes.map((q) => `> ${q.text} [${q.citation}]`).join("\n\n");
    return `${NO_MODEL}, so here is what the knowledge base says:\n\n${lines}`;
  }
  if (request.passages.length === 0)
    return `${NO_MODEL}, and this agent's knowledge base has nothing on that question.`;
  return `${NO_MODEL}, so I can only quote this agent's knowledge base, and nothing in it matches that question.`;
}

const estimateTokens = (chars: number) => Math.ceil(chars / 4);

/** Creates the extractive provider: word-sized deltas, then a usage estimate (about 4 characters a token). */
export function createExtractiveProvider(): LLMProvider {
  return {
    name: "extractive",
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      const answer = extractiveAnswer(request);
      for (const word of answer.match(/\s*\S+|\s+$/g) ?? []) {
        if (request.signal?.aborted) throw cancelledError();
        yield { type: "delta", text: word };
      }
      const prompt = estimateTokens(request.messages.reduce((n, m) => n + m.content.length, 0));
      const completion = estimateTokens(answer.length);
      const usage: Usage = {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt + completion,
      };
      yield { type: "usage", usage };
    },
  };
}
