/**
 * How well the offline extractive provider answers, measured on ../shared/eval's SQuAD 2.0
 * set (`squad2-dev-5articles`: 173 Wikipedia paragraphs, 300 answerable questions with their
 * gold answer strings). For each answerable question the passages are the three paragraphs a
 * plain BM25 ranks first (the stand-in for retrieval, so the measure is of the answer, not the
 * search); the answer is `extractiveAnswer` on them. Reported:
 * - answer hit: the share of answers that contain a gold answer string (case-insensitive);
 * - retrieval ceiling: the share of questions whose three passages contain one at all;
 * - cut: the share of answers with a quote cut short ("…" at a quote's end);
 * - mean answer length in characters.
 *
 * Run: `node bench/extractive-answers.ts` (Node 22). `PROVIDER=<path>` measures another copy
 * of the provider (an older version, to compare).
 */
import { pathToFileURL } from "node:url";
import { createBm25 } from "./lib/bm25.ts";
import { loadSquad } from "./lib/squad.ts";
import type { ChatRequest, Passage } from "../workers/llm/types.ts";

const providerPath =
  process.env.PROVIDER ?? new URL("../workers/llm/extractive.ts", import.meta.url).pathname;
const { extractiveAnswer } = (await import(pathToFileURL(providerPath).href)) as {
  extractiveAnswer: (r: ChatRequest) => string;
};

const { docs, queries } = loadSquad();
const search = createBm25(docs);

let hits = 0;
let ceiling = 0;
let cut = 0;
let chars = 0;
for (const q of queries) {
  const top = search(q.text, 3);
  const passages: Passage[] = top.map(({ doc: d, score: s }) => ({
    document_id: d.id,
    document_name: d.title,
    text: d.text,
    score: s,
  }));
  const answer = extractiveAnswer({
    model: "extractive",
    messages: [{ role: "user", content: q.text }],
    temperature: 0,
    max_tokens: 1000,
    top_p: 1,
    passages,
  });
  const has = (text: string) => q.answers.some((a) => text.toLowerCase().includes(a.toLowerCase()));
  if (has(answer)) hits++;
  if (passages.some((p) => has(p.text))) ceiling++;
  if (/… \[\d+\]/.test(answer)) cut++;
  chars += answer.length;
}
const pct = (n: number) => `${((100 * n) / queries.length).toFixed(1)}%`;
console.log(
  JSON.stringify({
    provider: providerPath,
    questions: queries.length,
    answer_hit: pct(hits),
    retrieval_ceiling: pct(ceiling),
    cut_quotes: pct(cut),
    mean_answer_chars: Math.round(chars / queries.length),
  }),
);
