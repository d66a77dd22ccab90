/**
 * The transcript as a conversation: the visitor's messages on the right as plain text, the
 * agent's answers on the left beside its avatar, as safe Markdown with their sources collapsed
 * under them, the typing indicator while an answer has not started, and failed answers with
 * their reason and, when the server says trying again can help, a retry button. An
 * advanced-mode answer shows its steps above its text (AgentSteps.tsx).
 */
import { For, Match, Show, Switch, createSignal } from "solid-js";
import { AgentIcon } from "../ui/AgentIcon.tsx";
import { AgentSteps } from "./AgentSteps.tsx";
import { Citations } from "./Citations.tsx";
import { Markdown } from "./Markdown.tsx";
import type { ChatMessage } from "./transcript.ts";

export interface MessageListProps {
  messages: ChatMessage[];
  agentName: string;
  /** The agent's icon (a lucide name), shown as its avatar. */
  agentIcon?: string | null;
  /** Ask again (the failed answer's key); absent: no retry offered. */
  onRetry?: (key: string) => void;
}

export function MessageView(props: {
  message: ChatMessage;
  agentName: string;
  agentIcon?: string | null;
  onRetry?: (key: string) => void;
}) {
  const [sourcesOpen, setSourcesOpen] = createSignal(false);
  const [focused, setFocused] = createSignal<number | null>(null);
  let item: HTMLLIElement | undefined;
  /** `[n]` clicked in the answer: open the sources at passage n and move focus there. */
  const cite = (n: number) => {
    setSourcesOpen(true);
    setFocused(n);
    queueMicrotask(() => {
      const target = item?.querySelector<HTMLElement>(`[data-refs~="${n}"]`);
      target?.scrollIntoView?.({ block: "nearest" });
      target?.focus({ preventScroll: true });
    });
  };
  const m = () => props.message;
  /** A tool is running: its step line says so, the typing dots would say it twice. */
  const toolRunning = () => m().steps.at(-1)?.kind === "tool_call";
  return (
    <li
      ref={item}
      class={`chat-message ${m().role}`}
      data-status={m().status}
      aria-busy={m().status === "streaming"}
    >
      <Show when={m().role === "assistant"}>
        <AgentIcon name={props.agentIcon} size={32} class="chat-avatar" />
      </Show>
      <div class="chat-message-body">
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
              <AgentSteps
                steps={m().steps}
                working={m().status === "streaming"}
                collapsed={m().status === "done"}
              />
              <Show
                when={m().content.length > 0}
                fallback={
                  <Show when={m().status === "streaming" && !toolRunning()}>
                    <TypingIndicator name={props.agentName} />
                  </Show>
                }
              >
                <Markdown
                  text={m().content}
                  class={m().status === "streaming" ? "streaming" : ""}
                  sourceCount={m().sources.length}
                  onCite={cite}
                />
              </Show>
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
            <Citations
              sources={m().sources}
              open={sourcesOpen()}
              onToggle={setSourcesOpen}
              focused={focused()}
            />
          </Match>
        </Switch>
      </div>
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
    // The log role sits on a wrapper: on the <ol> itself it would hide the list from its items.
    <div role="log" aria-label="Conversation">
      <ol class="chat-messages">
        <For each={props.messages}>
          {(message) => (
            <MessageView
              message={message}
              agentName={props.agentName}
              agentIcon={props.agentIcon}
              onRetry={props.onRetry}
            />
          )}
        </For>
      </ol>
    </div>
  );
}
