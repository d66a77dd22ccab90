/**
 * A model whose answers the test releases piece by piece: the agent's OpenAI-compatible provider
 * is pointed at a fake URL, and each request to it gets a HeldStream the test feeds (`words`,
 * `finish`, `cut`). Lets a test put a turn in any state (asked, mid-answer, finished) without
 * waiting on time.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, expect, vi } from "vitest";
import type { WorkerEnv } from "../../../workers/env.ts";
import { openaiEvents } from "../llm/fixtures.ts";

export const HELD_MODEL = "fake-model";
const LLM_URL = "http://llm-live.test/v1";

/**
 * A provider stream the test feeds: `words` sends deltas, `finish` ends the answer, `cut` breaks
 * it. The test only queues text; the body polls for it in the object's own context (an I/O
 * object fed from the test's context would be I/O on behalf of another request).
 */
export class HeldStream {
  private readonly pending: string[] = [];
  private end: "open" | "done" | "cut" = "open";
  private started = false;

  response(): Response {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        while (this.pending.length === 0 && this.end === "open")
          await new Promise((r) => setTimeout(r, 2));
        const next = this.pending.shift();
        if (next !== undefined) controller.enqueue(encoder.encode(next));
        else if (this.end === "cut") controller.error(new TypeError("Network connection lost."));
        else controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
  }

  private send(events: unknown[]): void {
    const fresh = this.started ? events.slice(1) : events; // the role-only first event once
    this.started = true;
    for (const e of fresh) this.pending.push(`data: ${JSON.stringify(e)}\n\n`);
  }

  words(words: string[]): void {
    this.send(openaiEvents(words, { finish: false }));
  }

  finish(words: string[]): void {
    this.send(openaiEvents(words));
    this.pending.push("data: [DONE]\n\n");
    this.end = "done";
  }

  cut(): void {
    if (this.end === "open") this.end = "cut";
  }
}

export interface HeldModel {
  /** Every request the provider got since the last reset, oldest first. */
  readonly streams: HeldStream[];
  reset(): void;
  /** Waits until the provider has been asked `count` times in all, and returns the last stream. */
  asked(count: number): Promise<HeldStream>;
}

/** Call at the top of a file: agents with `execution_config.model = HELD_MODEL` answer from held streams. */
export function holdModel(): HeldModel {
  const streams: HeldStream[] = [];
  const workerEnv: WorkerEnv = env;
  const saved = {
    OPENAI_API_KEY: workerEnv.OPENAI_API_KEY,
    OPENAI_BASE_URL: workerEnv.OPENAI_BASE_URL,
    OPENAI_MODELS: workerEnv.OPENAI_MODELS,
  };
  beforeAll(() => {
    // The session's Durable Object runs in this isolate and reads this env object and fetch.
    Object.assign(env, {
      OPENAI_API_KEY: "sk-test-held-model",
      OPENAI_BASE_URL: LLM_URL,
      OPENAI_MODELS: HELD_MODEL,
    });
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      if (!new Request(input, init).url.startsWith(LLM_URL)) return realFetch(input, init);
      const stream = new HeldStream();
      streams.push(stream);
      return stream.response();
    });
  });
  afterAll(() => {
    for (const s of streams) s.cut();
    Object.assign(env, saved);
  });
  return {
    streams,
    reset: () => void streams.splice(0),
    asked: async (count) => {
      await vi.waitFor(() => expect(streams.length).toBeGreaterThanOrEqual(count));
      const stream = streams[count - 1];
      if (!stream) throw new Error("the provider was not asked");
      return stream;
    },
  };
}
