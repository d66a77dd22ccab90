/**
 * Advanced mode against rag mode, offline (the extractive provider; advanced runs its
 * deterministic plan: knowledge_search with the visitor's question, then quotes), on
 * ../shared/eval's SQuAD 2.0 set (`squad2-dev-5articles`, answerable questions and the gold
 * paragraph of each from qrels.tsv). Both modes run the product's turn code in this process
 * (workers/chat/run-chat-task.ts for rag, workers/agent/loop.ts for advanced) over the same
 * retrieval, a BM25 over the paragraphs (bench/lib/bm25.ts) returning the agent's top_k (5):
 * the figure is of what the turn does with the passages, not of the search. Reported:
 * - gold cited: the share of answers whose cited sources include the gold paragraph;
 * - CPU per turn of each mode (process.cpuUsage over all questions, the search included) and
 *   their ratio, measured in this Node process, not in workerd.
 *
 * Run: `npm run bench:agent` (Node 22; needs ../shared/eval). Results also go to
 * bench/results/agent.json. Exit code 1 if advanced cites the gold paragraph less often.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { ExecutionConfigSchema, QueryConfigSchema } from "../shared/config.ts";
import { runAgentTask } from "../workers/agent/loop.ts";
import type { AgentTool } from "../workers/agent/tools/types.ts";
import type { AgentSnapshot } from "../workers/chat/agent-snapshot.ts";
import { runChatTask } from "../workers/chat/run-chat-task.ts";
import type { ChatTaskResult } from "../workers/chat/run-chat-task.ts";
import type { WorkerEnv } from "../workers/env.ts";
import type { Passage } from "../workers/llm/types.ts";
import { TOOL_ARGUMENTS } from "../shared/tools.ts";
import { createBm25 } from "./lib/bm25.ts";
import { loadSquad } from "./lib/squad.ts";

const TOP_K = 5;

const { docs, queries, gold } = loadSquad();
const search = createBm25(docs);
const passagesFor = (query: string, k = TOP_K): Passage[] =>
  search(query, k).map(({ doc, score }) => ({
    document_id: doc.id,
    document_name: doc.title,
    text: doc.text,
    score,
  }));

const env = {} as WorkerEnv; // no keys: the offline extractive provider answers
const agent: AgentSnapshot = {
  id: crypto.randomUUID(),
  tenant_id: crypto.randomUUID(),
  name: "Bench agent",
  description: null,
  system_prompt: "You answer from the documents.",
  execution_config: ExecutionConfigSchema.parse({ mode: "advanced" }),
  query_config: QueryConfigSchema.parse({ mode: "rag", top_k: TOP_K }),
  mcp_servers: [],
};
/** knowledge_search over the bench's BM25, shaped as the product's tool. */
const benchSearch: AgentTool<{ query: string; top_k?: number | undefined }> = {
  spec: { name: "knowledge_search", description: "Search.", parameters: { type: "object" } },
  args: TOOL_ARGUMENTS.knowledge_search,
  describeCall: (a) => `Searching for ${a.query}`,
  run: async (a) => {
    const passages = passagesFor(a.query, a.top_k ?? TOP_K);
    return { content: `${passages.length} found:`, summary: "Searched", detail: null, passages };
  },
};
const sink = { startAttempt: () => {}, delta: () => {}, step: () => {}, checkpoint: () => {} };
const common = {
  env,
  agent,
  history: [],
  maxAnswerTokens: 4096,
  stallMs: 60_000,
};

async function measure(mode: "rag" | "advanced") {
  let cited = 0;
  const started = process.cpuUsage();
  for (const q of queries) {
    const result: ChatTaskResult =
      mode === "rag"
        ? await runChatTask(
            {
              ...common,
              mode: "simple",
              userMessage: q.text,
              retrieve: async (query) => ({ passages: passagesFor(query) }),
            },
            sink,
          )
        : await runAgentTask(
            {
              ...common,
              userMessage: q.text,
              tools: [benchSearch as AgentTool],
              conversationId: crypto.randomUUID(),
              sessionId: "bench",
              saved: null,
              saveContact: async () => {},
            },
            sink,
          );
    if (result.sources.some((s) => gold.get(q.id)?.has(s.document_id))) cited++;
  }
  const cpu = process.cpuUsage(started);
  return {
    gold_cited: cited / queries.length,
    cpu_ms_per_turn: (cpu.user + cpu.system) / 1000 / queries.length,
  };
}

await measure("rag"); // warm-up: the first run pays for compiling the code
const rag = await measure("rag");
const advanced = await measure("advanced");
const report = {
  set: "squad2-dev-5articles (answerable)",
  questions: queries.length,
  top_k: TOP_K,
  rag: {
    gold_cited: `${(100 * rag.gold_cited).toFixed(1)}%`,
    cpu_ms_per_turn: +rag.cpu_ms_per_turn.toFixed(2),
  },
  advanced: {
    gold_cited: `${(100 * advanced.gold_cited).toFixed(1)}%`,
    cpu_ms_per_turn: +advanced.cpu_ms_per_turn.toFixed(2),
  },
  cpu_ratio_advanced_over_rag: +(advanced.cpu_ms_per_turn / rag.cpu_ms_per_turn).toFixed(2),
};
console.log(JSON.stringify(report, null, 2));
await mkdir(new URL("results/", import.meta.url), { recursive: true });
await writeFile(new URL("results/agent.json", import.meta.url), JSON.stringify(report, null, 2));
if (advanced.gold_cited < rag.gold_cited) {
  console.error("advanced mode cites the gold paragraph less often than rag mode");
  process.exitCode = 1;
}
