/**
 * Reads a `text/event-stream` body as batches: the `data` of every event completed by one read
 * of the network, together. Parsing is eventsource-parser's; the batching is ours.
 *
 * Why batches: a fast provider (or a busy isolate that reads late) hands over many events in
 * one read. Relaying them as one piece costs one frame, one parse of the control fields and one
 * trip through the async iterators above, instead of one per token; with 20 answers streaming
 * on two cores, the per-token cost was most of the Worker's CPU (the SDKs' own SSE readers
 * split, re-join and re-scan every event through four nested generators). When events arrive
 * one per read, as a provider's tokens usually do, each batch holds one event and nothing waits.
 */
import { createParser } from "eventsource-parser";

/** One SSE event's payload; `event` is its `event:` field when the server set one (e.g. "error"). */
export interface SseData {
  data: string;
  event?: string;
}

/** Yields, per read of `body`, the events that read completed (reads completing none yield nothing). */
export async function* sseBatches(body: ReadableStream<Uint8Array>): AsyncGenerator<SseData[]> {
  let batch: SseData[] = [];
  const parser = createParser({
    onEvent: (e) =>
      void batch.push(
        e.event === undefined || e.event === "message"
          ? { data: e.data }
          : { data: e.data, event: e.event },
      ),
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      if (batch.length > 0) {
        const ready = batch;
        batch = [];
        yield ready;
      }
    }
    finished = true;
  } finally {
    // Stopped early (an error, the caller broke off): let the connection go.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
