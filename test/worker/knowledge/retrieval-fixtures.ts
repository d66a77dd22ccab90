/// <reference types="vite/client" />
/**
 * The two retrieval sets of ../shared/eval/retrieval, read at build time (`?raw`): tests in
 * workerd cannot read the disk. SciFact (CC BY-NC 2.0, evaluation only) and SQuAD 2.0
 * (CC BY-SA 4.0); see ../shared/eval/README.md.
 */
import scifactCorpus from "../../../../shared/eval/retrieval/scifact-mini/corpus.jsonl?raw";
import scifactQueries from "../../../../shared/eval/retrieval/scifact-mini/queries.jsonl?raw";
import squadCorpus from "../../../../shared/eval/retrieval/squad2-dev-5articles/corpus.jsonl?raw";
import squadQueries from "../../../../shared/eval/retrieval/squad2-dev-5articles/queries.jsonl?raw";
import scifactQrels from "../../../../shared/eval/retrieval/scifact-mini/qrels.tsv?raw";
import squadQrels from "../../../../shared/eval/retrieval/squad2-dev-5articles/qrels.tsv?raw";
import { z } from "zod";

export interface EvalDoc {
  id: string;
  title: string;
  text: string;
}

const DocSchema = z.object({ id: z.string(), title: z.string(), text: z.string() });
const QuerySchema = z.object({ id: z.string(), text: z.string() });

/** Query id -> the ids of its relevant documents (binary qrels, header line skipped). */
function qrels(raw: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const line of raw.trim().split("\n").slice(1)) {
    const [q = "", d = "", score = "0"] = line.split("\t");
    if (Number(score) > 0) out.set(q, (out.get(q) ?? new Set()).add(d));
  }
  return out;
}

const lines = (raw: string) =>
  raw
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l): unknown => JSON.parse(l));

export const scifact = {
  corpus: (): EvalDoc[] => lines(scifactCorpus).map((l) => DocSchema.parse(l)),
  queries: (): string[] => lines(scifactQueries).map((l) => QuerySchema.parse(l).text),
  judged: () => judged(scifactQueries, scifactQrels),
};

export const squad = {
  corpus: (): EvalDoc[] => lines(squadCorpus).map((l) => DocSchema.parse(l)),
  queries: (): string[] => lines(squadQueries).map((l) => QuerySchema.parse(l).text),
  judged: () => judged(squadQueries, squadQrels),
};

/** The queries that have relevant documents, each with them. */
function judged(rawQueries: string, rawQrels: string): { text: string; relevant: Set<string> }[] {
  const relevant = qrels(rawQrels);
  return lines(rawQueries).flatMap((l) => {
    const q = QuerySchema.parse(l);
    const docs = relevant.get(q.id);
    return docs ? [{ text: q.text, relevant: docs }] : [];
  });
}
