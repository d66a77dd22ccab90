/**
 * Reads what `env.AI.run(model, {stream: true, …})` gives back into StreamEvents, the same
 * events the Groq and OpenAI providers yield: text deltas (one per network read), then each
 * tool call once and whole, then the usage.
 *
 * The binding answers with a ReadableStream of SSE bytes in one of two shapes:
 * - native: `data: {"response":"Hel","p":"abc…"}` per token, then `data: {"response":"",
 *   "usage":{…}}`, optionally `tool_calls` (whole or in pieces), then `data: [DONE]`;
 * - OpenAI chat-completion chunks (newer models): `choices[0].delta.content` and
 *   `.delta.tool_calls` pieces, `finish_reason` and `usage` on the last chunk, `data: [DONE]`.
 * A model that cannot stream answers with the whole object instead (`{response, tool_calls,
 * usage}` or `{choices: [{message}]}`), which is read the same way.
 *
 * A stream that ends without `[DONE]` or a finish_reason was cut: `interrupted`, like the
 * other providers. Control fields are checked by hand rather than with zod, as in
 * completion-stream.ts: this runs per token, and zod's interpreted path in workerd costs more
 * than the relay; tool calls and usage, which arrive once, are parsed with zod.
 */
import { UsageSchema } from "../../shared/conversation.ts";
import type { Usage } from "../../shared/conversation.ts";
import { cancelledError, interruptedError } from "./errors.ts";
import type { ProviderIdentity } from "./errors.ts";
import { sseBatches } from "./sse-batches.ts";
import { LLMError } from "./types.ts";
import type { StreamEvent } from "./types.ts";
import { ToolCallAssembler, leakedToolCalls, mayBeLeakedCall } from "./workers-ai-tool-calls.ts";

export const WORKERS_AI: ProviderIdentity = { label: "Workers AI", keyVariable: "AI", apiKey: "" };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** What one event (or a whole answer) says. */
interface Facts {
  text: string;
  toolCalls: unknown[];
  finished: boolean;
  usage: unknown;
  error: string | null;
}

/** The fields of one event or whole answer, or null when it is neither shape. */
function facts(value: unknown): Facts | null {
  if (!isRecord(value)) return null;
  const { error, response, tool_calls: calls, finish_reason: finish, choices, usage } = value;
  if (typeof error === "string" || isRecord(error)) {
    const message = typeof error === "string" ? error : error.message;
    const text = typeof message === "string" ? message : "the provider sent an error";
    return { text: "", toolCalls: [], finished: false, usage: undefined, error: text };
  }
  if (response != null && typeof response !== "string") return null;
  const out: Facts = {
    text: response ?? "",
    toolCalls: calls == null ? [] : [calls],
    finished: typeof finish === "string",
    usage,
    error: null,
  };
  if (choices == null) return out;
  if (!Array.isArray(choices)) return null;
  const choice: unknown = choices[0];
  if (choice === undefined) return out;
  if (!isRecord(choice)) return null;
  const part = choice.delta ?? choice.message;
  if (part != null && !isRecord(part)) return null;
  if (isRecord(part)) {
    if (part.content != null && typeof part.content !== "string") return null;
    out.text += part.content ?? "";
    if (part.tool_calls != null) out.toolCalls.push(part.tool_calls);
  }
  if (typeof choice.finish_reason === "string") out.finished = true;
  return out;
}

function readUsage(value: unknown): Usage | undefined {
  if (value == null) return undefined;
  const parsed = UsageSchema.partial({ total_tokens: true }).safeParse(value);
  if (!parsed.success) return undefined;
  const { prompt_tokens, completion_tokens } = parsed.data;
  const total_tokens = parsed.data.total_tokens ?? prompt_tokens + completion_tokens;
  return { prompt_tokens, completion_tokens, total_tokens };
}

/**
 * Collects an answer's parts. Text passes straight through, except when tools were offered
 * and the answer opens with `{` or `[`: then it is held to the end, where a leaked call
 * becomes a tool call and anything else is sent as text after all.
 */
class Answer {
  private readonly calls = new ToolCallAssembler();
  private mode: "undecided" | "holding" | "passing";
  private held = "";
  private usage: Usage | undefined;
  finished = false;
  private readonly offered: ReadonlySet<string>;

  constructor(offered: ReadonlySet<string>) {
    this.offered = offered;
    this.mode = offered.size > 0 ? "undecided" : "passing";
  }

  /** Takes one event's facts; returns the text to send now. */
  take(f: Facts): string {
    for (const calls of f.toolCalls) {
      if (!this.calls.add(calls))
        throw interruptedError(WORKERS_AI, "it sent tool calls in an unknown shape");
    }
    if (f.finished) this.finished = true;
    this.usage = readUsage(f.usage) ?? this.usage;
    if (this.mode === "passing") return f.text;
    this.held += f.text;
    if (this.mode === "undecided" && this.held.trim()) {
      this.mode = mayBeLeakedCall(this.held) ? "holding" : "passing";
      if (this.mode === "passing") {
        const text = this.held;
        this.held = "";
        return text;
      }
    }
    return "";
  }

  /** What is left once the answer is complete: held text or leaked calls, tool calls, usage. */
  *end(): Generator<StreamEvent> {
    const leaked =
      this.mode === "holding" && this.calls.size === 0
        ? leakedToolCalls(this.held, this.offered)
        : null;
    if (leaked) for (const call of leaked) yield { type: "tool_call", call };
    else if (this.held) yield { type: "delta", text: this.held };
    for (const call of this.calls.calls()) {
      if (!call.name) throw interruptedError(WORKERS_AI, "it sent a tool call without a name");
      yield { type: "tool_call", call };
    }
    if (this.usage) yield { type: "usage", usage: this.usage };
  }
}

/** Reads a streamed answer (SSE bytes from the binding). */
export async function* readWorkersAiStream(
  body: ReadableStream<Uint8Array>,
  offered: ReadonlySet<string>,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const answer = new Answer(offered);
  let done = false;
  try {
    for await (const batch of sseBatches(body)) {
      // Checked here too: a stream that ignores the signal would otherwise go on.
      if (signal?.aborted) throw cancelledError();
      let text = "";
      for (const event of batch) {
        if (event.data === "[DONE]") {
          done = true;
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(event.data);
        } catch {
          throw interruptedError(
            WORKERS_AI,
            event.event === "error" ? event.data : "it sent an event that is not JSON",
          );
        }
        const f = facts(value);
        if (!f) throw interruptedError(WORKERS_AI, "it sent an event that is not a chat answer");
        if (f.error !== null || event.event === "error")
          throw interruptedError(WORKERS_AI, f.error ?? "the provider sent an error event");
        text += answer.take(f);
      }
      if (text) yield { type: "delta", text };
    }
  } catch (err) {
    if (signal?.aborted) throw cancelledError();
    if (err instanceof LLMError) throw err;
    throw interruptedError(WORKERS_AI, err instanceof Error ? err.message : undefined);
  }
  if (signal?.aborted) throw cancelledError();
  if (!done && !answer.finished) throw interruptedError(WORKERS_AI);
  yield* answer.end();
}

/** Reads a whole answer, from a model that answered without streaming. */
export function* readWorkersAiAnswer(
  value: unknown,
  offered: ReadonlySet<string>,
): Generator<StreamEvent> {
  const f = typeof value === "string" ? facts({ response: value }) : facts(value);
  if (!f)
    throw interruptedError(WORKERS_AI, "it answered with something that is not a chat answer");
  if (f.error !== null) throw interruptedError(WORKERS_AI, f.error);
  const answer = new Answer(offered);
  const text = answer.take(f);
  if (text) yield { type: "delta", text };
  yield* answer.end();
}
