/**
 * Assembles the tool calls of a streamed chat completion from their `delta.tool_calls` pieces
 * (OpenAI's chat-completions stream, which Groq and compatible servers share):
 *
 * - Pieces are grouped by their `index`. The first piece of a call carries its `id` and
 *   `function.name`; `function.arguments` arrives as text in any number of pieces, cut
 *   anywhere (inside a string, inside a `\u00e9` escape), and pieces of parallel calls may
 *   interleave. OpenAI streams the arguments in many pieces; Groq sends each call whole in one.
 * - `id` and `name` are set, not appended, when a piece repeats them (as the openai SDK's own
 *   accumulator does); arguments are appended as text and never parsed here: the agent loop
 *   validates them against the tool's schema and answers the model with an error when they
 *   are not valid, so invalid JSON passes through as sent.
 * - A piece without an index (some gateways drop it) continues the call with its id, else the
 *   latest call; it starts a new call when its id is new while the latest call has another,
 *   or when it carries a name and the call it would continue already has one.
 * - At the end, calls come out in index order. A call the provider gave no id, or an id
 *   another call already has, gets `call_<index>`, so each tool result still answers exactly
 *   one call. A call that never got a name means the stream was cut before it began properly.
 *
 * Hand-written rather than the openai SDK's ChatCompletionStream accumulator: that one is
 * private to a class that re-reads the whole stream through its own SSE parser, and groq-sdk
 * has none. The checks are by hand, not zod, for the reason given in completion-stream.ts:
 * this runs for each streamed piece of the arguments.
 */
import type { ToolCall } from "./types.ts";

interface Slot {
  index: number;
  id: string;
  name: string;
  arguments: string;
}

export type AssembledCalls = { ok: true; calls: ToolCall[] } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isOptionalString = (v: unknown): v is string | undefined | null =>
  v === undefined || v === null || typeof v === "string";

export class ToolCallAssembly {
  private readonly slots = new Map<number, Slot>();
  private latest: Slot | undefined;

  /**
   * Adds one chunk's `delta.tool_calls`. Returns false, having added nothing more, when a piece
   * is not shaped like a tool call piece (the stream is then not one this reader understands).
   */
  add(pieces: unknown[]): boolean {
    for (const piece of pieces) {
      if (!isRecord(piece)) return false;
      const { index, id, function: fn } = piece;
      if (!isOptionalString(id)) return false;
      if (fn !== undefined && fn !== null && !isRecord(fn)) return false;
      const name = fn?.name;
      const args = fn?.arguments;
      if (!isOptionalString(name) || !isOptionalString(args)) return false;
      const slot = this.slotFor(index, id || undefined, name || undefined);
      if (id) slot.id = id;
      if (name) slot.name = name;
      if (args) slot.arguments += args;
      this.latest = slot;
    }
    return true;
  }

  /** The calls, whole, in index order; or why they cannot be (a call with no name). */
  finish(): AssembledCalls {
    const slots = [...this.slots.values()].sort((a, b) => a.index - b.index);
    const unnamed = slots.find((s) => !s.name);
    if (unnamed)
      return {
        ok: false,
        reason: `its tool call #${unnamed.index} ended before the tool's name arrived`,
      };
    const taken = new Set<string>();
    const calls = slots.map((s): ToolCall => {
      let id = s.id && !taken.has(s.id) ? s.id : `call_${s.index}`;
      for (let n = 2; taken.has(id); n++) id = `call_${s.index}_${n}`;
      taken.add(id);
      return { id, name: s.name, arguments: s.arguments };
    });
    return { ok: true, calls };
  }

  private slotFor(index: unknown, id: string | undefined, name: string | undefined): Slot {
    const key =
      typeof index === "number" && Number.isInteger(index) && index >= 0
        ? index
        : this.keyWithoutIndex(id, name);
    let slot = this.slots.get(key);
    if (!slot) {
      slot = { index: key, id: "", name: "", arguments: "" };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private keyWithoutIndex(id: string | undefined, name: string | undefined): number {
    let target = this.latest;
    if (id) target = this.withId(id) ?? (target?.id ? undefined : target);
    if (target && !(name && target.name)) return target.index;
    let next = 0;
    for (const key of this.slots.keys()) if (key >= next) next = key + 1;
    return next;
  }

  private withId(id: string): Slot | undefined {
    for (const slot of this.slots.values()) if (slot.id === id) return slot;
    return undefined;
  }
}
