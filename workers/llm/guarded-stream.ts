/**
 * One streamed model call with the stall guard every chat turn uses: no event for `stallMs`
 * counts as a stalled provider and aborts the request with a retryable `timeout` LLMError.
 * Shared by the simple turn (workers/chat/run-chat-task.ts) and the agent loop
 * (workers/agent/loop.ts), which retry such failures as new attempts.
 */
import { LLMError } from "./types.ts";
import type { ChatRequest, LLMProvider, StreamEvent } from "./types.ts";

export async function streamGuarded(
  provider: LLMProvider,
  request: Omit<ChatRequest, "signal">,
  stallMs: number,
  onEvent: (event: StreamEvent) => void,
): Promise<void> {
  const controller = new AbortController();
  let stalled = false;
  // One timer per stall period, not one per event: re-arming a timer for every delta cost
  // more CPU than the rest of the relay (workerd timers are not free), with 20 answers streaming.
  let lastProgress = Date.now();
  const check = () => {
    const quiet = Date.now() - lastProgress;
    if (quiet >= stallMs) {
      stalled = true;
      controller.abort();
    } else {
      timer = setTimeout(check, stallMs - quiet);
    }
  };
  let timer = setTimeout(check, stallMs);
  try {
    for await (const event of provider.stream({ ...request, signal: controller.signal })) {
      lastProgress = Date.now();
      onEvent(event);
    }
  } catch (err) {
    if (stalled)
      throw new LLMError(
        "timeout",
        `The language model sent nothing for ${Math.round(stallMs / 1000)} s.`,
      );
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
