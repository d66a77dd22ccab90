/**
 * Query rewriting for the `advanced` query mode: a follow-up such as "when did it last
 * erupt?" names nothing a search can find, so the latest message is rewritten into a
 * standalone query from the recent conversation before retrieval.
 *
 * - With a language model (the agent's model is served by Groq or an OpenAI-compatible API),
 *   the model is asked, once, for a one-line standalone query (temperature 0, short answer,
 *   bounded wait). Any failure or an empty answer falls back to the rule below: retrieval
 *   must not fail a chat turn because a rewrite did.
 * - Without one (the offline extractive provider), the rewrite is deterministic: the latest
 *   message followed by the salient words of the previous user message that it does not
 *   already contain. That carries the topic into a follow-up; it cannot resolve a pronoun
 *   the way a model can, and it drags the old topic along when the visitor changes subject
 *   (the new words still outrank it in full-text ranking, which counts every term).
 * - No earlier user message: the message is already standalone and is searched as it is.
 */
import type { AgentSnapshot } from "./agent-snapshot.ts";
import { isStopWord, stem, words } from "../embeddings/text.ts";
import type { WorkerEnv } from "../env.ts";
import { selectProvider } from "../llm/select.ts";
import type { ChatTurn } from "../llm/types.ts";

export type RewriteMethod = "none" | "llm" | "deterministic";

export interface RewrittenQuery {
  query: string;
  method: RewriteMethod;
}

export interface RewriteOptions {
  fetch?: typeof fetch;
  /** How long the model may take before the deterministic rewrite is used instead. */
  timeoutMs?: number;
}

/** Turns of history the rewrite sees, and characters kept of each. */
const HISTORY_TURNS = 6;
const TURN_CHARS = 1_000;
const MAX_QUERY_CHARS = 400;
const REWRITE_TIMEOUT_MS = 5_000;
/** Words of the previous message carried into a deterministic rewrite. */
const CARRIED_WORDS = 8;
/** Conversational words that say nothing about the subject. */
const FILLER = new Set(
  "tell know explain please thank thanks like want need give show describe help hello also more another something anything".split(
    " ",
  ),
);

export const REWRITE_INSTRUCTIONS =
  "You rewrite the last message of a conversation as one standalone search query for a document search. " +
  "Replace pronouns and references with what they refer to in the conversation; keep names, numbers and technical terms. " +
  "Do not answer the question. Reply with the query only, on one line.";

export async function rewriteQuery(
  env: WorkerEnv,
  agent: AgentSnapshot,
  message: string,
  history: ChatTurn[],
  opts: RewriteOptions = {},
): Promise<RewrittenQuery> {
  if (!history.some((t) => t.role === "user")) return { query: message, method: "none" };
  const provider = selectProvider(
    env,
    agent.execution_config.model,
    opts.fetch ? { fetch: opts.fetch } : undefined,
  );
  if (provider.name !== "extractive") {
    const recent = history.slice(-HISTORY_TURNS).filter((t) => t.role !== "system");
    const transcript = recent
      .map((t) => `${t.role === "user" ? "User" : "Assistant"}: ${t.content.slice(0, TURN_CHARS)}`)
      .join("\n");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), opts.timeoutMs ?? REWRITE_TIMEOUT_MS);
    try {
      let text = "";
      const events = provider.stream({
        model: agent.execution_config.model,
        messages: [
          { role: "system", content: REWRITE_INSTRUCTIONS },
          {
            role: "user",
            content: `Conversation:\n${transcript}\n\nLast message: ${message.slice(0, TURN_CHARS)}\n\nStandalone query:`,
          },
        ],
        temperature: 0,
        max_tokens: 128,
        top_p: 1,
        passages: [],
        signal: controller.signal,
      });
      for await (const event of events) if (event.type === "delta") text += event.text;
      const query = cleanRewrite(text);
      if (query) return { query, method: "llm" };
    } catch {
      // A failed or slow rewrite is not worth failing the turn for: fall through.
    } finally {
      clearTimeout(timer);
    }
  }
  return { query: deterministicRewrite(message, history), method: "deterministic" };
}

/** The model's answer as a query: first non-empty line, no label, no quotes, bounded. */
export function cleanRewrite(text: string): string {
  const line =
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "") ?? "";
  const unlabelled = line.replace(/^(standalone\s+)?(search\s+)?query\s*:\s*/i, "");
  return unlabelled
    .replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_QUERY_CHARS);
}

/** The message, then up to eight content words of the previous user message it lacks. */
export function deterministicRewrite(message: string, history: ChatTurn[]): string {
  const previous = history.findLast((t) => t.role === "user")?.content ?? "";
  const present = new Set(words(message).map(stem));
  const carried: string[] = [];
  for (const word of words(previous)) {
    if (carried.length >= CARRIED_WORDS) break;
    if (word.length < 3 || isStopWord(word) || FILLER.has(word)) continue;
    const key = stem(word);
    if (present.has(key)) continue;
    present.add(key);
    carried.push(word);
  }
  return carried.length > 0 ? `${message.trim()} ${carried.join(" ")}` : message;
}
