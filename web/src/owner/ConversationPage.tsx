/** One conversation: who, when, how long, the client's visitor details, and the transcript with each answer's sources and timings. */
import { A, useParams } from "@solidjs/router";
import { For, Show, createResource } from "solid-js";
import { getConversation } from "./api/conversations.ts";
import { PageHeader } from "./components/PageHeader.tsx";
import { formatDate, formatDuration } from "./components/format.ts";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";
import { MetadataList } from "./components/MetadataList.tsx";

const ROLE_LABEL = { user: "Visitor", assistant: "Agent", system: "System" } as const;

export default function ConversationPage() {
  const params = useParams<{ id: string }>();
  const [conversation, { refetch }] = createResource(() => params.id, getConversation);

  return (
    <section class="stack">
      <p>
        <A href="/dashboard/conversations">← All conversations</A>
      </p>
      <Show when={conversation.error}>
        <PageHeader title="Conversation" />
        <LoadError what="this conversation" error={conversation.error} retry={refetch} />
      </Show>
      <Show
        when={valueOf(conversation)}
        fallback={
          <Show when={!conversation.error}>
            <p class="muted">Loading transcript…</p>
          </Show>
        }
      >
        {(c) => (
          <>
            <PageHeader title={`Conversation with ${c().agent_name ?? "a deleted agent"}`}>
              <button type="button" onClick={() => void refetch()}>
                Refresh
              </button>
            </PageHeader>
            <dl class="card grid-4 facts">
              <div>
                <dt>Started</dt>
                <dd>{formatDate(c().started_at)}</dd>
              </div>
              <div>
                <dt>Duration</dt>
                <dd>{formatDuration(c().duration_ms)}</dd>
              </div>
              <div>
                <dt>Messages</dt>
                <dd>
                  {c().counts.user} from the visitor, {c().counts.assistant} answers
                </dd>
              </div>
              <div>
                <dt>State</dt>
                <dd>{c().is_active ? "active" : `ended ${formatDate(c().ended_at)}`}</dd>
              </div>
              <Show when={c().visitor.country || c().visitor.referrer}>
                <div>
                  <dt>Visitor</dt>
                  <dd>
                    {[
                      c().visitor.country,
                      c().visitor.referrer ? `from ${c().visitor.referrer}` : null,
                    ]
                      .filter(Boolean)
                      .join(", ")}
                  </dd>
                </div>
              </Show>
            </dl>
            <MetadataList title="Visitor details" metadata={c().metadata} />
            <h2 id="transcript-title">Transcript</h2>
            <Show when={c().messages.length} fallback={<p class="muted">No messages yet.</p>}>
              <ol class="transcript" aria-labelledby="transcript-title">
                <For each={c().messages}>
                  {(m) => (
                    <li class={`message ${m.role}`}>
                      <div class="row small">
                        <strong>{ROLE_LABEL[m.role]}</strong>
                        <span class="muted">{formatDate(m.created_at)}</span>
                        <Show when={m.role === "assistant"}>
                          <span class="spacer" />
                          <span class="muted">
                            {[
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
                              .join(" · ")}
                          </span>
                        </Show>
                      </div>
                      <p class="message-content">{m.content}</p>
                      <Show when={m.metadata.sources?.length}>
                        <details>
                          <summary>
                            {m.metadata.sources?.length} source
                            {m.metadata.sources?.length === 1 ? "" : "s"}
                          </summary>
                          <ol class="sources">
                            <For each={m.metadata.sources}>
                              {(s) => (
                                <li>
                                  <strong>{s.document_name}</strong>
                                  <Show when={s.page !== null && s.page !== undefined}>
                                    {" "}
                                    (page {s.page})
                                  </Show>
                                  <span class="muted"> · score {s.score.toFixed(3)}</span>
                                  <blockquote class="muted">{s.snippet}</blockquote>
                                </li>
                              )}
                            </For>
                          </ol>
                        </details>
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
