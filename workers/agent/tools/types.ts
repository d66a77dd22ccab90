/**
 * What a tool is to the agent loop (workers/agent/loop.ts): a spec the model sees, a zod
 * schema its arguments must pass, and a run that turns valid arguments into an outcome. The
 * loop validates, times out, and reports; a tool only does its work.
 *
 * Tool results are data, not instructions: `content` goes back to the model inside a tool
 * message, and the loop tells the model so. A tool never acts on what another tool returned
 * (capture_contact stores only what the visitor typed; fetch_page reads only allowed domains).
 */
import type { z } from "zod";
import type { AgentSnapshot } from "../../chat/agent-snapshot.ts";
import type { WorkerEnv } from "../../env.ts";
import type { Passage, ToolSpec } from "../../llm/types.ts";

/** A contact a visitor gave in the conversation, as capture_contact stores it. */
export interface CapturedContact {
  name?: string;
  email?: string;
  phone?: string;
  note?: string;
}

export interface ToolContext {
  env: WorkerEnv;
  agent: AgentSnapshot;
  conversationId: string;
  sessionId: string;
  /** Every message the visitor sent in this conversation, this turn's included, oldest first. */
  visitorMessages: string[];
  /** Aborted when the tool's time (or the turn's) is up. */
  signal: AbortSignal;
  /** The fetch outbound requests use (tests inject one). */
  fetch: typeof fetch;
  now: () => Date;
  /** Stores a contact on the conversation (the ChatSession keeps it and queues it for the CRM). */
  saveContact: (contact: CapturedContact) => Promise<void>;
}

/** What a tool call produced. */
export interface ToolOutcome {
  /** What the model reads (kept under the loop's size cap). */
  content: string;
  /** The visitor's one line: "Searched the knowledge base for 'refund policy' — 3 passages". */
  summary: string;
  /** What opens under that line (an excerpt of the result); null for none. */
  detail: string | null;
  /** Knowledge passages found (knowledge_search): numbered for citation by the loop. */
  passages?: Passage[];
}

/**
 * A failure the model should hear about and may recover from (bad input it can fix, a page
 * that could not be read). Its message goes back to the model as the tool's result, and to the
 * visitor's step line; the turn goes on. Any other error is reported the same way with a
 * generic message, so no tool failure ends a turn.
 */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

export interface AgentTool<A = unknown> {
  spec: ToolSpec;
  /** The arguments' schema; the loop parses the model's JSON with it before `run`. */
  args: z.ZodType<A>;
  /** What the visitor sees while the call runs: "Searching the knowledge base for 'x'". */
  describeCall(args: A): string;
  run(args: A, ctx: ToolContext): Promise<ToolOutcome>;
  /** Longest the call may take (default: the loop's per-tool timeout). */
  timeoutMs?: number;
}
