/**
 * ../shared/eval's SQuAD 2.0 set (`squad2-dev-5articles`: Wikipedia paragraphs, questions with
 * their gold answer strings, and the gold paragraph of each in qrels.tsv), as the benches read it.
 */
import { readFileSync } from "node:fs";

const SET = new URL("../../../shared/eval/retrieval/squad2-dev-5articles/", import.meta.url);

export interface SquadDoc {
  id: string;
  title: string;
  text: string;
}
export interface SquadQuery {
  id: string;
  text: string;
  answers: string[];
  is_impossible: boolean;
}

const lines = <T>(name: string): T[] =>
  readFileSync(new URL(name, SET), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);

export function loadSquad() {
  const gold = new Map<string, Set<string>>();
  for (const line of readFileSync(new URL("qrels.tsv", SET), "utf8").split("\n").slice(1)) {
    const [q, d] = line.split("\t");
    if (q && d) gold.set(q, (gold.get(q) ?? new Set()).add(d));
  }
  return {
    docs: lines<SquadDoc>("corpus.jsonl"),
    /** The answerable questions. */
    queries: lines<SquadQuery>("queries.jsonl").filter((q) => !q.is_impossible),
    /** Each question's gold paragraph ids. */
    gold,
  };
}
