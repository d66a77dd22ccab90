/**
 * Reads a streamed chat completion (its SSE events, batched per network read by
 * sse-batches.ts) into StreamEvents. Shared by the Groq and OpenAI-compatible providers, whose
 * chunks differ only in where the usage travels and in how finely tool calls are cut (see
 * tool-call-assembly.ts).
 */
import { UsageSchema } from "../../shared/conversation.ts";
import type { Usage } from "../../shared/conversation.ts";
import { cancelledError, interruptedError, streamError } from "./errors.ts";
import type { ProviderIdentity, SdkErrorClasses } from "./errors.ts";
import type { SseData } from "./sse-batches.ts";
import { ToolCallAssembly } from "./tool-call-assembly.ts";
import type { StreamEvent } from "./types.ts";

/** What one chunk says: only the fields that drive control flow; everything else passes by. */
interface ChunkFacts {
  text: string;
  /** The chunk's `delta.tool_calls` pieces, unchecked (the assembly checks each piece). */
  toolCalls: unknown[] | undefined;
  finished: boolean;
  usage: unknown;
  error: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
/** Absent (undefined or null) or of the type. */
const isOptional = (v: unknown, type: "string" | "object" | "array") =>
  v === undefined ||
  v === null ||
  (type === "object" ? isRecord(v) : type === "array" ? Array.isArray(v) : typeof v === type);

const failed = (error: string): ChunkFacts => ({
  text: "",
  toolCalls: undefined,
  finished: false,
  usage: undefined,
  error,
});

/**
 * The control fields of a chunk, or null when it is not a chat completion chunk. Checked by
 * hand rather than with zod: this runs for every token, and zod cannot compile its checks in
 * workerd (no `new Function`), where its interpreted path cost more than the relay itself.
 */
function chunkFacts(value: unknown): ChunkFacts | null {
  if (!isRecord(value)) return null;
  const { choices, x_groq: groq, error } = value;
  // An error sent in the stream: `{error: {message}}` (OpenAI), `{error: "..."}` (some compatible servers), `x_groq.error` (Groq).
  if (isRecord(error) || typeof error === "string") {
    const message = typeof error === "string" ? error : error.message;
    return failed(typeof message === "string" ? message : "the provider sent an error");
  }
  if (!isOptional(groq, "object")) return null;
  const groqError = isRecord(groq) ? groq.error : undefined;
  if (!isOptional(groqError, "string")) return null;
  if (groqError) return failed(String(groqError));
  if (!isOptional(choices, "array")) return null;
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isOptional(choice, "object")) return null;
  const { delta, finish_reason: finish } = isRecord(choice) ? choice : {};
  if (!isOptional(delta, "object") || !isOptional(finish, "string")) return null;
  const content = isRecord(delta) ? delta.content : undefined;
  const toolCalls = isRecord(delta) ? delta.tool_calls : undefined;
  if (!isOptional(content, "string") || !isOptional(toolCalls, "array")) return null;
  return {
    text: typeof content === "string" ? content : "",
    toolCalls: Array.isArray(toolCalls) && toolCalls.length > 0 ? toolCalls : undefined,
    finished: Boolean(finish),
    usage: isRecord(groq) && groq.usage != null ? groq.usage : value.usage,
    error: null,
  };
}

const readUsage = (value: unknown): Usage | undefined => {
  // Most chunks carry no usage: skip the parse (and the error object a failed parse builds).
  if (value === undefined || value === null) return undefined;
  const parsed = UsageSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/**
 * Yields one delta per batch of events with content (the text of all of them, in order); then,
 * once the stream has finished, one tool_call event per call the model made, whole and in index
 * order (whatever the finish_reason: some servers say "stop" after tool calls); then one usage
 * event if the provider sent one (Groq: `x_groq.usage` on the last chunk; OpenAI with
 * `include_usage`: top-level `usage` on a final chunk with no choices). Throws an `interrupted`
 * LLMError when the stream errors, carries an error, sends a tool call piece of another shape,
 * ends with a tool call that never got its name, or ends without a finish_reason: a body that
 * closes early ends quietly, so a missing finish_reason is the only sign that the answer was
 * cut (and with it, perhaps, a tool call's arguments).
 */
export async function* readCompletionStream(
  batches: AsyncIterable<SseData[]>,
  sdk: SdkErrorClasses,
  who: ProviderIdentity,
  signal?: AbortSignal,
): AsyncGenerator<StreamEvent> {
  let finished = false;
  let usage: Usage | undefined;
  let calls: ToolCallAssembly | undefined;
  try {
    for await (const batch of batches) {
      // Checked here too: a fetch whose body ignores the signal would otherwise stream on.
      if (signal?.aborted) throw cancelledError();
      let text = "";
      for (const event of batch) {
        if (event.data === "[DONE]") continue;
        let value: unknown;
        try {
          value = JSON.parse(event.data);
        } catch {
          throw interruptedError(
            who,
            event.event === "error" ? event.data : "it sent an event that is not JSON",
          );
        }
        const facts = chunkFacts(value);
        if (!facts) throw interruptedError(who, "it sent a chunk that is not a chat completion");
        if (facts.error !== null || event.event === "error")
          throw interruptedError(who, facts.error ?? "the provider sent an error event");
        text += facts.text;
        if (facts.toolCalls && !(calls ??= new ToolCallAssembly()).add(facts.toolCalls))
          throw interruptedError(who, "it sent a tool call in a shape it does not use");
        if (facts.finished) finished = true;
        usage = readUsage(facts.usage) ?? usage;
      }
      if (text) yield { type: "delta", text };
    }
  } catch (err) {
    if (signal?.aborted) throw cancelledError();
    throw streamError(err, sdk, who);
  }
  if (signal?.aborted) throw cancelledError();
  if (!finished) throw interruptedError(who);
  if (calls) {
    const assembled = calls.finish();
    if (!assembled.ok) throw interruptedError(who, assembled.reason);
    for (const call of assembled.calls) yield { type: "tool_call", call };
  }
  if (usage) yield { type: "usage", usage };
}
