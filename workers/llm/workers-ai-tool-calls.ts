/**
 * Assembles the tool calls a Workers AI model made, whichever of its shapes it used:
 * - streamed in pieces, OpenAI style, under `choices[0].delta.tool_calls` or a top-level
 *   `tool_calls`: `{index, id, type, function: {name}}`, then `{index, function: {arguments}}`
 *   pieces, sometimes a closing `{id: null, type: null, function: {name: null}}`;
 * - whole, with string arguments: `{id, type: "function", function: {name, arguments}}`;
 * - whole, native (older models, non-streamed answers): `{name, arguments: {…}}`, no id;
 * - leaked into the text: the answer is only `{"name": …, "arguments"|"parameters": {…}}` (or a
 *   list of them) naming an offered tool, which Llama models on Workers AI sometimes write
 *   instead of a structured call.
 * A call without an id gets one, so the tool's result can answer it.
 */
import { z } from "zod";
import type { ToolCall } from "./types.ts";

const Arguments = z.union([z.string(), z.record(z.string(), z.unknown())]).nullish();

/** One entry of a `tool_calls` array, any shape above (zod: these arrive once per call, not per token). */
const ToolCallEntrySchema = z.object({
  index: z.number().int().min(0).nullish(),
  id: z.string().nullish(),
  name: z.string().nullish(),
  arguments: Arguments,
  function: z.object({ name: z.string().nullish(), arguments: Arguments }).nullish(),
});
type ToolCallEntry = z.infer<typeof ToolCallEntrySchema>;

const argumentsText = (args: z.infer<typeof Arguments>): string =>
  typeof args === "string" ? args : args ? JSON.stringify(args) : "";

/** A fresh call id in OpenAI's form, for models that send none. */
export const newCallId = (): string =>
  `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;

interface OpenCall {
  id: string;
  name: string;
  args: string;
}

export class ToolCallAssembler {
  private readonly indexed = new Map<number, OpenCall>();
  private readonly whole: OpenCall[] = [];

  /** Adds a `tool_calls` array from one event; false when it is not an array of tool calls. */
  add(entries: unknown): boolean {
    const parsed = z.array(ToolCallEntrySchema).safeParse(entries);
    if (!parsed.success) return false;
    for (const entry of parsed.data) this.addOne(entry);
    return true;
  }

  private addOne(entry: ToolCallEntry): void {
    const name = entry.function?.name ?? entry.name ?? "";
    const args = argumentsText(entry.function ? entry.function.arguments : entry.arguments);
    const id = entry.id ?? "";
    if (entry.index === undefined || entry.index === null) {
      // A whole call; an entry with nothing in it is a stream's closing marker.
      if (name || args || id) this.whole.push({ id: id || newCallId(), name, args });
      return;
    }
    const open = this.indexed.get(entry.index);
    if (!open) {
      this.indexed.set(entry.index, { id: id || newCallId(), name, args });
      return;
    }
    if (id) open.id = id;
    if (name) open.name = name;
    open.args += args;
  }

  get size(): number {
    return this.indexed.size + this.whole.length;
  }

  /** The calls, streamed ones by index then whole ones in order; empty arguments read as `{}`. */
  calls(): ToolCall[] {
    const streamed = [...this.indexed.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
    return [...streamed, ...this.whole].map((c) => ({
      id: c.id,
      name: c.name,
      arguments: c.args.trim() ? c.args : "{}",
    }));
  }
}

const LeakedCallSchema = z
  .object({
    name: z.string(),
    arguments: z.record(z.string(), z.unknown()).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** Whether streamed text may be a leaked call, so it should be held back until the answer ends. */
export const mayBeLeakedCall = (text: string): boolean => /^\s*[[{]/.test(text);

/**
 * The tool calls in an answer that is nothing but a leaked call (or a list of them), each
 * naming one of `offered`; null when the text is anything else, so it stays an answer.
 */
export function leakedToolCalls(text: string, offered: ReadonlySet<string>): ToolCall[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = z
    .array(LeakedCallSchema)
    .min(1)
    .safeParse(Array.isArray(value) ? value : [value]);
  if (!parsed.success || !parsed.data.every((c) => offered.has(c.name))) return null;
  return parsed.data.map((c) => ({
    id: newCallId(),
    name: c.name,
    arguments: JSON.stringify(c.arguments ?? c.parameters ?? {}),
  }));
}
