/**
 * Where the visitor writes: the message box, its send button, and the limits said out loud.
 * Near the server's message limit a counter appears; over it the message is not sent, the
 * send button is disabled and the reason is shown (nothing is trimmed: the box takes any
 * length, so a pasted text is never cut without a word).
 */
import { Show } from "solid-js";

/** The counter appears from this share of the limit on. */
const COUNTER_FROM = 0.8;

const number = (n: number) => n.toLocaleString("en");

export interface ComposerProps {
  id: string;
  agentName: string;
  draft: string;
  onDraft: (text: string) => void;
  onSend: (text: string) => void;
  /** The longest message the server takes, in characters. */
  maxChars: number;
  /** Sending is not possible right now (an answer is on its way, the chat is starting). */
  busy: boolean;
  ref?: (el: HTMLTextAreaElement) => void;
}

/** The length the server checks: the message without surrounding whitespace. */
export const messageLength = (text: string) => text.trim().length;

export function Composer(props: ComposerProps) {
  const length = () => messageLength(props.draft);
  const over = () => length() > props.maxChars;
  const showCounter = () => length() >= props.maxChars * COUNTER_FROM;
  const send = () => {
    if (!over() && !props.busy && length() > 0) props.onSend(props.draft);
  };
  return (
    <>
      <form
        class="chat-form"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <label class="visually-hidden" for={props.id}>
          Message {props.agentName}
        </label>
        <textarea
          id={props.id}
          ref={props.ref}
          rows={2}
          placeholder={`Message ${props.agentName}…`}
          value={props.draft}
          aria-invalid={over() || undefined}
          aria-describedby={`${props.id}-limit`}
          onInput={(e) => props.onDraft(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        <button
          type="submit"
          class="button primary"
          disabled={props.busy || length() === 0 || over()}
        >
          Send
        </button>
      </form>
      <div class="chat-limit" id={`${props.id}-limit`} aria-live="polite">
        <Show when={showCounter()}>
          <span class={`chat-counter${over() ? " over" : ""}`}>
            {number(length())} / {number(props.maxChars)}
          </span>
        </Show>
        <Show when={over()}>
          <span class="chat-limit-reason">
            Too long to send: messages can be at most {number(props.maxChars)} characters. Remove{" "}
            {number(length() - props.maxChars)} to send it.
          </span>
        </Show>
      </div>
      <p class="chat-hint muted small">Enter sends, Shift+Enter starts a new line.</p>
    </>
  );
}
