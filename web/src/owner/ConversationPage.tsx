/**
 * One conversation: who, when, how long, the contact the visitor left, the client's visitor
 * details, the transcript (answers rendered as the visitor saw them, with sources and
 * timings), and the transcript as a file.
 */
import { useParams } from "@solidjs/router";
import ArrowLeft from "lucide-solid/icons/arrow-left";
import Download from "lucide-solid/icons/download";
import RefreshCw from "lucide-solid/icons/refresh-cw";
import { For, Show, createResource, createSignal } from "solid-js";
import { ErrorAlert } from "../components/ErrorAlert.tsx";
import { errorMessage } from "../lib/api.ts";
import { Badge } from "../ui/Badge.tsx";
import { Button, ButtonLink } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";
import { downloadConversation, getConversation } from "./api/conversations.ts";
import { ContactCard } from "./components/ConversationContact.tsx";
import { LoadError } from "./components/LoadError.tsx";
import { MetadataList } from "./components/MetadataList.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { TranscriptMessage } from "./components/TranscriptMessage.tsx";
import { formatDate, formatDuration } from "./components/format.ts";
import { valueOf } from "./components/resource.ts";

export default function ConversationPage() {
  const params = useParams<{ id: string }>();
  const [conversation, { refetch }] = createResource(() => params.id, getConversation);
  const [exporting, setExporting] = createSignal(false);
  const [exportNote, setExportNote] = createSignal<string>();
  const [exportError, setExportError] = createSignal<string>();

  const exportAs = async (format: "csv" | "json") => {
    setExporting(true);
    setExportNote(undefined);
    setExportError(undefined);
    try {
      const { filename } = await downloadConversation(params.id, format);
      setExportNote(`Downloaded ${filename}.`);
    } catch (e) {
      setExportError(`Export failed: ${errorMessage(e)}`);
    } finally {
      setExporting(false);
    }
  };

  return (
    <section class="stack">
      <p>
        <ButtonLink href="/dashboard/conversations" variant="ghost" size="sm" icon={ArrowLeft}>
          All conversations
        </ButtonLink>
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
              <Button
                icon={Download}
                disabled={exporting()}
                aria-label="Download this conversation as CSV"
                onClick={() => void exportAs("csv")}
              >
                CSV
              </Button>
              <Button
                icon={Download}
                disabled={exporting()}
                aria-label="Download this conversation as JSON"
                onClick={() => void exportAs("json")}
              >
                JSON
              </Button>
              <Button variant="ghost" icon={RefreshCw} onClick={() => void refetch()}>
                Refresh
              </Button>
            </PageHeader>
            <div role="status" aria-live="polite" class="muted">
              {exportNote()}
            </div>
            <ErrorAlert message={exportError()} />
            <Card>
              <dl class="grid-4 facts">
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
                    {c().counts.user} from the visitor, {c().counts.assistant} answer
                    {c().counts.assistant === 1 ? "" : "s"}
                  </dd>
                </div>
                <div>
                  <dt>State</dt>
                  <dd>
                    <Show when={c().is_active} fallback={<>ended {formatDate(c().ended_at)}</>}>
                      <Badge tone="success">active</Badge>
                    </Show>
                  </dd>
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
            </Card>
            <ContactCard contact={c().contact} />
            <MetadataList title="Visitor details" metadata={c().metadata} />
            <h2 id="transcript-title">Transcript</h2>
            <Show when={c().messages.length} fallback={<p class="muted">No messages yet.</p>}>
              <ol class="transcript" aria-labelledby="transcript-title">
                <For each={c().messages}>{(m) => <TranscriptMessage message={m} />}</For>
              </ol>
            </Show>
          </>
        )}
      </Show>
    </section>
  );
}
