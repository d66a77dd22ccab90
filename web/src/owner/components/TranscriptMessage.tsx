/**
 * One message of the owner's transcript. Answers are Markdown rendered by the chat's own
 * renderer (web/src/chat/Markdown.tsx: raw HTML escaped, unsafe links dropped), so the owner
 * reads what the visitor read; the visitor's words stay plain text, as in the chat. An
 * answer's `[n]` markers open its sources below and bring the n-th into view. An
 * advanced-mode answer's steps sit folded above it, as the chat shows them.
 */
import { For, Show } from "solid-js";
import type { ConversationMessage } from "../../../../shared/api/conversations.ts";
import { AgentSteps } from "../../chat/AgentSteps.tsx";
import { Markdown } from "../../chat/Markdown.tsx";
import { Badge } from "../../ui/Badge.tsx";
import { formatDate, formatDuration } from "./format.ts";

const ROLE_LABEL = { user: "Visitor", assistant: "Agent", system: "System" } as const;

/** "extractive · answered in 3.4 s · first word after 0.8 s · 512 tokens" */
function timings(m: ConversationMessage): string {
  return [
    m.metadata.model,
    m.metadata.latency_ms !== undefined
      ? `answered in ${formatDuration(m.metadata.latency_ms)}`
      : null,
    m.metadata.time_to_first_token_ms !== undefined
      ? `first word after ${formatDuration(m.metadata.time_to_first_token_ms)}`
      : null,
    m.metadata.usage ? `${m.metadata.usage.total_tokens} tokens` : null,
  ]
    .filter(Boolean)
    .join(" · ");
}

export function TranscriptMessage(props: { message: ConversationMessage }) {
  const m = () => props.message;
  const sources = () => m().metadata.sources ?? [];
  let details: HTMLDetailsElement | undefined;
  const sourceId = (n: number) => `source-${m().id}-${n}`;

  const showSource = (n: number) => {
    if (details) details.open = true;
    const item = document.getElementById(sourceId(n));
    item?.scrollIntoView?.({ block: "nearest" });
    item?.focus();
  };

  return (
    <li class={`message ${m().role}`}>
      <div class="message-head">
        <Badge tone={m().role === "assistant" ? "info" : "neutral"}>{ROLE_LABEL[m().role]}</Badge>
        <span class="muted small">{formatDate(m().created_at)}</span>
        <Show when={m().role === "assistant" && timings(m())}>
          <span class="muted small message-timings">{timings(m())}</span>
        </Show>
      </div>
      <Show
        when={m().role === "assistant"}
        fallback={<p class="message-content plain">{m().content}</p>}
      >
        <AgentSteps steps={m().metadata.steps ?? []} working={false} collapsed />
        <Markdown
          class="message-content"
          text={m().content}
          sourceCount={sources().length}
          onCite={showSource}
        />
      </Show>
      <Show when={sources().length}>
        <details ref={details} class="message-sources">
          <summary>
            {sources().length} source{sources().length === 1 ? "" : "s"}
          </summary>
          <ol class="sources">
            <For each={sources()}>
              {(s, i) => (
                <li id={sourceId(i() + 1)} tabindex="-1">
                  <strong>{s.document_name}</strong>
                  <Show when={s.page !== null && s.page !== undefined}> (page {s.page})</Show>
                  <span class="muted"> · score {s.score.toFixed(2)}</span>
                  <blockquote class="muted">{s.snippet}</blockquote>
                </li>
              )}
            </For>
          </ol>
        </details>
      </Show>
    </li>
  );
}
