/**
 * Where an advanced-mode turn has got to, as the ChatSession stores it after each model
 * response and each tool result: the turns the loop added to the prompt, the passages found
 * (numbered for citation in this order), the steps shown, the counts the bounds read, and the
 * tool calls still waiting for their results. A restarted turn goes on from it.
 */
import { z } from "zod";
import { AgentStepRecordSchema, UsageSchema } from "../../shared/conversation.ts";
import type { AgentTurn, Passage, ToolCall } from "../llm/types.ts";

const ToolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.string() });

const AgentTurnSchema = z.union([
  z.object({
    role: z.literal("assistant"),
    content: z.string(),
    tool_calls: z.array(ToolCallSchema),
  }),
  z.object({
    role: z.literal("tool"),
    tool_call_id: z.string(),
    name: z.string(),
    content: z.string(),
  }),
]);

const PassageSchema = z.object({
  document_id: z.string(),
  document_name: z.string(),
  page: z.number().nullable().optional(),
  section: z.string().nullable().optional(),
  text: z.string(),
  score: z.number(),
});

export const AgentStateSchema = z.object({
  /** When the turn's first attempt started: the turn's time limit counts from it. */
  started_at: z.number(),
  turns: z.array(AgentTurnSchema),
  passages: z.array(PassageSchema),
  steps: z.array(AgentStepRecordSchema),
  /** Model calls made. */
  iterations: z.number().int(),
  /** Tool calls run (or refused by the cap). */
  tool_calls: z.number().int(),
  /** The tool-call cap was reached and said so. */
  limited_tools: z.boolean(),
  usage: UsageSchema,
  /** Answer text streamed by responses that then called tools (before citation renumbering). */
  answer_raw: z.string(),
  /** The query the offline plan searches (the message made standalone). */
  search_query: z.string().nullable(),
  /** The last response's tool calls, until each has its result in `turns`. */
  pending: z.array(ToolCallSchema).nullable(),
});

export interface AgentState {
  started_at: number;
  turns: AgentTurn[];
  passages: Passage[];
  steps: z.infer<typeof AgentStepRecordSchema>[];
  iterations: number;
  tool_calls: number;
  limited_tools: boolean;
  usage: z.infer<typeof UsageSchema>;
  answer_raw: string;
  search_query: string | null;
  pending: ToolCall[] | null;
}

export function freshAgentState(now: number): AgentState {
  return {
    started_at: now,
    turns: [],
    passages: [],
    steps: [],
    iterations: 0,
    tool_calls: 0,
    limited_tools: false,
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
    answer_raw: "",
    search_query: null,
    pending: null,
  };
}

/** A stored state, or null when it is missing or unreadable (the turn then starts over). */
export function parseAgentState(json: string | null): AgentState | null {
  if (!json) return null;
  try {
    const parsed = AgentStateSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
