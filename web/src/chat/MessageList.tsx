/**
 * The transcript: the visitor's messages as plain text, answers as safe Markdown with their
 * sources, the typing indicator while an answer has not started, and failed answers with
 * their reason and, when the server says trying again can help, a retry button.
 */
import { For, Match, Show, Switch, createSignal } from "solid-js";
import { Citations } from "./Citations.tsx";
import { Markdown } from "./Markdown.tsx";
import type { ChatMessage } from "./transcript.ts";

export interface MessageListProps {
  messages: ChatMessage[];
  agentName: string;
  /** Ask again (the failed answer's key); absent: no retry offered. */
  onRetry?: (key: string) => void;
}

export function MessageView(props: {
  message: ChatMessage;
  agentName: string;
  onRetry?: (key: string) => void;
}) {
  const [open, setOpen] = createSignal<ReadonlySet<number>>(new Set());
  const toggle = (i: number, force?: boolean) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (force ?? !next.has(i)) next.add(i);
      else next.delete(i);
      return next;
    });
  const m = () => props.message;
  return (
    <li
      class={`chat-message ${m().role}`}
      data-status={m().status}
      aria-busy={m().status === "streaming"}
    >
      <span class="visually-hidden">
        {m().role === "user" ? "You said:" : `${props.agentName} said:`}
      </span>
      <Switch>
        <Match when={m().role === "user"}>
          <p class="chat-bubble user-text">{m().content}</p>
          <Show when={m().status === "pending"}>
            <span class="chat-meta">Sending…</span>
          </Show>
        </Match>
        <Match when={m().role === "assistant"}>
          <div class="chat-bubble">
            <Show
              when={m().content.length > 0}
              fallback={
                <Show when={m().status === "streaming"}>
                  <TypingIndicator name={props.agentName} />
                </Show>
              }
            >
              <Markdown
                text={m().content}
                class={m().status === "streaming" ? "streaming" : ""}
                sourceCount={m().sources.length}
                onCite={(n) => toggle(n - 1, true)}
              />
            </Show>
            <Citations
              sources={m().sources}
              isOpen={(i) => open().has(i)}
              onToggle={(i) => toggle(i)}
            />
            <Show when={m().status === "error" && m().error}>
              {(error) => (
                <div class="chat-error" role="alert">
                  <p>
                    <strong>The answer failed.</strong> {error().message}
                  </p>
                  <Show when={error().retryPossible && props.onRetry}>
                    <button type="button" onClick={() => props.onRetry?.(m().key)}>
                      Try again
                    </button>
                  </Show>
                </div>
              )}
            </Show>
          </div>
        </Match>
      </Switch>
    </li>
  );
}

export function TypingIndicator(props: { name: string }) {
  return (
    <span class="typing" role="status">
      <span class="typing-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      <span class="visually-hidden">{props.name} is typing…</span>
    </span>
  );
}

export function MessageList(props: MessageListProps) {
  return (
    <ol class="chat-messages" aria-label="Conversation" role="log">
      <For each={props.messages}>
        {(message) => (
          <MessageView message={message} agentName={props.agentName} onRetry={props.onRetry} />
        )}
      </For>
    </ol>
  );
}
