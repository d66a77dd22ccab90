/**
 * Reading SSE bodies as the network hands them over: events split across reads, several in one
 * read (relayed as one delta), multi-byte characters cut in half, error events, a reader that
 * stops early.
 */
import { describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../../workers/llm/openai.ts";
import { sseBatches } from "../../../workers/llm/sse-batches.ts";
import { chatRequest, collect, fakeFetch, OPENAI_KEY, openaiEvents } from "./fixtures.ts";

/** A body whose reads are exactly `reads` (bytes, so a character can be cut in two). */
function bodyOf(reads: Uint8Array[], onCancel?: () => void): ReadableStream<Uint8Array> {
  const queue = [...reads];
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
    cancel: () => onCancel?.(),
  });
}

const encode = (s: string) => new TextEncoder().encode(s);
const frames = (events: unknown[]) =>
  events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join("") + "data: [DONE]\n\n";

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe("sseBatches", () => {
  it("yields the events each read completes, together, and holds a split event until its end arrives", async () => {
    const text = "data: one\n\ndata: two\n\ndata: thr";
    const batches = await drain(
      sseBatches(bodyOf([encode(text), encode("ee\n\n"), encode(": a comment\n\n")])),
    );
    expect(batches).toEqual([[{ data: "one" }, { data: "two" }], [{ data: "three" }]]);
  });

  it("keeps a multi-byte character that a read cut in half", async () => {
    const bytes = encode("data: café ☕\n\n");
    const cut = bytes.indexOf(0xe2) + 1; // inside the three bytes of ☕
    const batches = await drain(sseBatches(bodyOf([bytes.slice(0, cut), bytes.slice(cut)])));
    expect(batches).toEqual([[{ data: "café ☕" }]]);
  });

  it("keeps the event type of named events such as error", async () => {
    const batches = await drain(
      sseBatches(bodyOf([encode('event: error\ndata: {"error":{"message":"overloaded"}}\n\n')])),
    );
    expect(batches).toEqual([[{ data: '{"error":{"message":"overloaded"}}', event: "error" }]]);
  });

  it("cancels the body when the reader stops early, letting the connection go", async () => {
    let cancelled = false;
    const body = bodyOf(
      [encode("data: a\n\n"), encode("data: b\n\n")],
      () => void (cancelled = true),
    );
    for await (const batch of sseBatches(body)) {
      expect(batch).toEqual([{ data: "a" }]);
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("a completion stream arriving in uneven reads", () => {
  const words = ["Ba", "tch", "ed", " answer", " é☕"];

  it("relays the tokens that arrived in one read as one delta, and the rest as they come", async () => {
    const all = encode(frames(openaiEvents(words)));
    // First read: the role chunk and the first three tokens, plus half of the fourth; then the rest.
    const cut = new TextDecoder().decode(all).indexOf(" answer") + 3;
    const head = encode(new TextDecoder().decode(all).slice(0, cut));
    const response = () =>
      new Response(bodyOf([head, all.slice(head.length)]), {
        headers: { "content-type": "text/event-stream" },
      });
    const { received, text, error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: fakeFetch(response).fetch }).stream(
        chatRequest(),
      ),
    );

    expect(error).toBeUndefined();
    expect(text).toBe(words.join(""));
    expect(received.filter((e) => e.type === "delta")).toEqual([
      { type: "delta", text: "Batched" },
      { type: "delta", text: " answer é☕" },
    ]);
    expect(received.at(-1)).toMatchObject({
      type: "usage",
      usage: { completion_tokens: words.length },
    });
  });

  it("reports an event that is not JSON as an interrupted answer", async () => {
    const body = encode(
      `data: ${JSON.stringify(openaiEvents(["Hi"], { finish: false })[1])}\n\ndata: {not json\n\n`,
    );
    const response = () =>
      new Response(bodyOf([body]), { headers: { "content-type": "text/event-stream" } });
    const { error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: fakeFetch(response).fetch }).stream(
        chatRequest(),
      ),
    );
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String(error)).toContain("not JSON");
  });

  it("reports a chunk that is not a chat completion as an interrupted answer", async () => {
    const body = encode(frames([{ choices: "nope" }]));
    const response = () =>
      new Response(bodyOf([body]), { headers: { "content-type": "text/event-stream" } });
    const { error } = await collect(
      createOpenAIProvider({ apiKey: OPENAI_KEY, fetch: fakeFetch(response).fetch }).stream(
        chatRequest(),
      ),
    );
    expect(error).toMatchObject({ kind: "interrupted" });
    expect(String(error)).toContain("not a chat completion");
  });
});
