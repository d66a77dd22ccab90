/**
 * The offline provider, used when no language model key is configured. It never pretends to
 * be a model: its answer is made of whole sentences quoted from the best knowledge passages,
 * each quote citing its passage as [n] like a model is asked to. That no model is configured
 * is said once by the chat (the `quotes_only` flag of chat/init and the public profile), not
 * in every answer.
 *
 * How a quote is chosen: every passage is cut into sentences by `Intl.Segmenter` (workerd and
 * browsers have it; a hand-written splitter cut "U.S." and "No. 5" apart), and lines (table
 * rows, list items) are never joined. A sentence scores the question's distinct content terms
 * it contains, each weighted by how few of the passages' sentences have it (BM25's IDF), so a
 * row naming "GBP" beats three rows that all say "shipping". The best sentence sets the bar:
 * sentences scoring at least half of it are kept, best first, at most MAX_QUOTES of them from
 * at most MAX_PASSAGES passages. A sentence quoted once is not quoted again (duplicate chunks
 * of one text), and the sentences of one passage are quoted together, in their order in the
 * passage, under one citation, with "…" where sentences between them were left out.
 *
 * Measured by bench/extractive-answers.ts on ../shared/eval's SQuAD 2.0 set (300 answerable
 * questions, BM25's top 3 paragraphs as passages): 91.0% of answers contain a gold answer
 * (98.0% of the passages do), no quote is cut, 372 characters on average. The earlier
 * provider (400-character cut-offs, a regex splitter, a "no model" preamble): 90.7%, 7.0% of
 * answers with a cut quote, 615 characters.
 */
import type { Usage } from "../../shared/conversation.ts";
import { cancelledError } from "./errors.ts";
import type { ChatRequest, LLMProvider, Passage, StreamEvent, ToolCall } from "./types.ts";

const MAX_QUOTES = 3;
const MAX_PASSAGES = 3;
/** A line of fewer words is a heading or a label, not an answer. */
const MIN_WORDS = 3;

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

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/** The whole sentences of `text`, whitespace collapsed; a line break always ends one. */
export function sentences(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    for (const { segment } of segmenter.segment(line)) {
      const sentence = segment.replace(/\s+/g, " ").trim();
      if ((sentence.match(/[\p{L}\p{N}]+/gu) ?? []).length >= MIN_WORDS) out.push(sentence);
    }
  }
  return out;
}

/** The same sentence whatever its spacing, case or closing punctuation. */
const sameText = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, " ")
    .trim();

interface Candidate {
  text: string;
  passage: number;
  /** Position of the sentence in its passage. */
  position: number;
  score: number;
}

/**
 * One quote: the chosen sentences of one passage (1-based `citation`) in passage order, with
 * "…" where sentences between them were left out.
 */
export interface Quote {
  citation: number;
  text: string;
}

/** A quoted sentence that Markdown would read as a heading, list item or quote stays text. */
const literal = (sentence: string) => sentence.replace(/^([#>*+-]|\d+[.)])/, "\\$1");

/** The quotes that answer `question` from `passages`, best passage first. */
export function pickQuotes(question: string, passages: Passage[]): Quote[] {
  const wanted = new Set(terms(question));
  const seen = new Set<string>();
  const found: { text: string; passage: number; position: number; matched: string[] }[] = [];
  passages.forEach((passage, index) => {
    sentences(passage.text).forEach((text, position) => {
      const key = sameText(text);
      if (seen.has(key)) return;
      seen.add(key);
      const matched = [...new Set(terms(text).filter((t) => wanted.has(t)))];
      found.push({ text, passage: index, position, matched });
    });
  });
  // A term in few of the sentences tells more than one in all of them (the IDF of BM25).
  const df = new Map<string, number>();
  for (const f of found) for (const t of f.matched) df.set(t, (df.get(t) ?? 0) + 1);
  const weight = (t: string) => Math.log(1 + found.length / (df.get(t) ?? 1));
  const candidates: Candidate[] = found
    .filter((f) => f.matched.length > 0)
    .map((f) => ({ ...f, score: f.matched.reduce((n, t) => n + weight(t), 0) }));
  // Best first; ties keep the retrieval's order of passages, then the passage's own order.
  candidates.sort((a, b) => b.score - a.score || a.passage - b.passage || a.position - b.position);
  const bar = (candidates[0]?.score ?? 0) / 2;
  const chosen: Candidate[] = [];
  const quoted: number[] = [];
  for (const c of candidates) {
    if (chosen.length >= MAX_QUOTES || c.score < bar) break;
    if (!quoted.includes(c.passage)) {
      if (quoted.length >= MAX_PASSAGES) continue;
      quoted.push(c.passage);
    }
    chosen.push(c);
  }
  return quoted.map((passage) => {
    const own = chosen.filter((c) => c.passage === passage).sort((a, b) => a.position - b.position);
    const text = own
      .map((c, i) => {
        const gap = i > 0 && c.position > (own[i - 1]?.position ?? 0) + 1;
        return `${gap ? "… " : ""}${literal(c.text)}`;
      })
      .join(" ");
    return { citation: passage + 1, text };
  });
}

/** The whole answer for a request; pure, so the same request always gets the same answer. */
export function extractiveAnswer(request: ChatRequest): string {
  // A follow-up such as "When did it last erupt?" names its subject only in the rewrite.
  const question =
    request.searchQuery ?? request.messages.findLast((m) => m.role === "user")?.content ?? "";
  const quotes = pickQuotes(question, request.passages);
  if (quotes.length > 0) {
    return quotes.map((q) => `> ${q.text} [${q.citation}]`).join("\n\n");
  }
  if (request.passages.length === 0)
    return "This agent's knowledge base has nothing on that question.";
  return "Nothing in this agent's knowledge base matches that question closely enough to quote.";
}

const estimateTokens = (chars: number) => Math.ceil(chars / 4);

/**
 * The offline plan of an advanced-mode turn (workers/agent/loop.ts), the same every time: with
 * knowledge_search offered and not yet called for the visitor's latest message, call it with
 * the standalone query (`searchQuery`); otherwise answer from the passages found. Nothing in a
 * tool's result can change the plan: it never reads them, it only quotes passages.
 */
export function offlinePlan(request: ChatRequest): ToolCall | null {
  if (!request.tools?.some((t) => t.name === "knowledge_search")) return null;
  const lastUser = request.messages.findLastIndex((m) => m.role === "user");
  const searched = request.messages.slice(lastUser + 1).some((m) => m.role === "tool");
  if (searched) return null;
  const query = request.searchQuery ?? request.messages[lastUser]?.content ?? "";
  return {
    id: `call_offline_${lastUser}`,
    name: "knowledge_search",
    arguments: JSON.stringify({ query: query.slice(0, 500) }),
  };
}

/** Creates the extractive provider: word-sized deltas, then a usage estimate (about 4 characters a token). */
export function createExtractiveProvider(): LLMProvider {
  return {
    name: "extractive",
    async *stream(request: ChatRequest): AsyncGenerator<StreamEvent> {
      const call = offlinePlan(request);
      if (call) {
        yield { type: "tool_call", call };
        return;
      }
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
