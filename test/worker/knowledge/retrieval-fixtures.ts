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
import { z } from "zod";

export interface EvalDoc {
  id: string;
  title: string;
  text: string;
}

const DocSchema = z.object({ id: z.string(), title: z.string(), text: z.string() });
const QuerySchema = z.object({ id: z.string(), text: z.string() });

const lines = (raw: string) => raw.split("\n").filter((l) => l.trim() !== "").map((l): unknown => JSON.parse(l));

export const scifact = {
  corpus: (): EvalDoc[] => lines(scifactCorpus).map((l) => DocSchema.parse(l)),
  queries: (): string[] => lines(scifactQueries).map((l) => QuerySchema.parse(l).text),
};

export const squad = {
  corpus: (): EvalDoc[] => lines(squadCorpus).map((l) => DocSchema.parse(l)),
  queries: (): string[] => lines(squadQueries).map((l) => QuerySchema.parse(l).text),
};
