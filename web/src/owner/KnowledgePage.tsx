/**
 * Knowledge: add files, URLs and text with live progress (kept across reloads), the document
 * table with filters and actions, and hit-testing of what an agent retrieves. New documents go
 * to an agent by default (UploadPanel); each agent's own documents are also on its Knowledge tab.
 */
import { Show, createResource, createSignal, onMount } from "solid-js";
import { listAgents } from "./api/agents.ts";
import { DocumentTable } from "./components/DocumentTable.tsx";
import { HitTestPanel } from "./components/HitTestPanel.tsx";
import { PageHeader } from "./components/PageHeader.tsx";
import { UploadPanel } from "./components/UploadPanel.tsx";
import { createIngestTracker } from "./components/ingest-tracker.ts";
import { valueOf } from "./components/resource.ts";
import { LoadError } from "./components/LoadError.tsx";
import "./owner-pages.css";

export default function KnowledgePage() {
  const [agents] = createResource(() => listAgents().then((l) => l.agents));
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  const tracker = createIngestTracker({ onSettled: bump });
  onMount(() => tracker.restore());

  return (
    <div class="stack owner-page">
      <PageHeader
        title="Knowledge"
        description="Documents your agents answer from. Each is parsed, cut into passages and indexed for search."
      />
      <LoadError what="your agents" error={agents.error} />
      <UploadPanel agents={valueOf(agents) ?? []} tracker={tracker} onAccepted={bump} />
      <DocumentTable
        agents={valueOf(agents) ?? []}
        version={version()}
        onReindexed={(doc, job) => {
          const key = tracker.begin(doc.name);
          tracker.track(key, {
            job_id: job.job_id,
            document_id: job.document_id,
            name: doc.name,
            websocket_url: job.websocket_url,
          });
        }}
      />
      <Show when={valueOf(agents)?.length}>
        <HitTestPanel agents={valueOf(agents) ?? []} />
      </Show>
    </div>
  );
}
