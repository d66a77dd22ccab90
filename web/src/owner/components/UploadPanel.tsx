/**
 * Adding knowledge: files (drag and drop or the file picker, several at once), a public URL,
 * or pasted text, each assigned to the chosen agents; every item gets a live progress bar.
 * New knowledge always starts assigned to an agent: the one fixed by the page (an agent's own
 * Knowledge tab), else the owner's remembered choice or the agent last worked on
 * (upload-agents.ts). Choosing no agent is allowed but said plainly.
 */
import { For, Show, createSignal } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";
import { Badge } from "../../ui/Badge.tsx";
import { ButtonLink } from "../../ui/Button.tsx";
import { defaultUploadAgents, rememberUploadAgents } from "./upload-agents.ts";
import { ACCEPTED_TYPES } from "../../../../shared/api/ingest.ts";
import { Field } from "../../components/Field.tsx";
import { ApiError, errorMessage } from "../../lib/api.ts";
import { ingestText, ingestUrl, uploadFile } from "../api/ingest.ts";
import { AgentChecklist } from "./AgentChecklist.tsx";
import { UploadProgress } from "./UploadProgress.tsx";
import type { createIngestTracker } from "./ingest-tracker.ts";

type Tracker = ReturnType<typeof createIngestTracker>;

/** Files sent at the same time (the rest wait their turn). */
const PARALLEL_UPLOADS = 3;
const ACCEPT = ".pdf,.docx,.html,.htm,.md,.markdown,.txt,.csv,application/pdf,text/*";

export function UploadPanel(props: {
  agents: Agent[];
  tracker: Tracker;
  onAccepted: () => void;
  /** Everything added here goes to this agent (its Knowledge tab): no choice shown. */
  fixedAgent?: Agent;
}) {
  /** The owner's choice on this visit; until they choose, the remembered or latest agent. */
  const [chosen, setChosen] = createSignal<string[]>();
  const agentIds = () =>
    props.fixedAgent ? [props.fixedAgent.id] : (chosen() ?? defaultUploadAgents(props.agents));
  const setAgentIds = (ids: string[]) => {
    setChosen(ids);
    rememberUploadAgents(ids);
  };
  const [dragging, setDragging] = createSignal(false);
  const [url, setUrl] = createSignal("");
  const [urlError, setUrlError] = createSignal<string>();
  const [text, setText] = createSignal("");
  const [textName, setTextName] = createSignal("");
  const [textError, setTextError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let fileInput: HTMLInputElement | undefined;

  const uploadAll = async (files: File[]) => {
    const queue = files.map((file) => ({ file, key: props.tracker.begin(file.name) }));
    const ids = agentIds();
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          const key = next.key;
          const accepted = await uploadFile(next.file, ids, {
            onProgress: (fraction) => props.tracker.sending(key, fraction),
          });
          props.tracker.track(next.key, {
            job_id: accepted.job_id,
            document_id: accepted.document_id,
            name: next.file.name,
            websocket_url: accepted.websocket_url,
          });
          props.onAccepted();
        } catch (e) {
          props.tracker.fail(next.key, e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_UPLOADS, files.length) }, worker));
  };

  const onFiles = (list: FileList | null | undefined) => {
    const files = list ? [...list] : [];
    if (files.length) void uploadAll(files);
    if (fileInput) fileInput.value = "";
  };

  const submitUrl = async (event: SubmitEvent) => {
    event.preventDefault();
    setUrlError(undefined);
    const value = url().trim();
    if (!/^https?:\/\/\S+$/i.test(value)) {
      setUrlError("Enter a full http(s) address, like https://example.com/page.");
      return;
    }
    setBusy(true);
    const key = props.tracker.begin(value);
    try {
      const accepted = await ingestUrl({ url: value, agent_ids: agentIds() });
      props.tracker.track(key, {
        job_id: accepted.job_id,
        document_id: accepted.document_id,
        name: value,
        websocket_url: accepted.websocket_url,
      });
      props.onAccepted();
      setUrl("");
    } catch (e) {
      props.tracker.dismiss(key);
      setUrlError(e instanceof ApiError ? (e.fieldMessage("url") ?? e.message) : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const submitText = async (event: SubmitEvent) => {
    event.preventDefault();
    setTextError(undefined);
    if (!text().trim()) {
      setTextError("Paste some text first.");
      return;
    }
    setBusy(true);
    const name = textName().trim() || "Pasted text";
    const key = props.tracker.begin(name);
    try {
      const accepted = await ingestText({
        content: text(),
        agent_ids: agentIds(),
        ...(textName().trim() ? { document_name: textName().trim() } : {}),
      });
      props.tracker.track(key, {
        job_id: accepted.job_id,
        document_id: accepted.document_id,
        name,
        websocket_url: accepted.websocket_url,
      });
      props.onAccepted();
      setText("");
      setTextName("");
    } catch (e) {
      props.tracker.dismiss(key);
      setTextError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" aria-labelledby="add-knowledge">
      <h2 id="add-knowledge">Add knowledge</h2>
      <Show
        when={props.fixedAgent}
        fallback={
          <Show
            when={props.agents.length}
            fallback={
              <div class="notice warning" role="note">
                <p>
                  Documents answer visitors only through an agent, and you have none yet. Create one
                  first; what you add now can be assigned to it later.
                </p>
                <ButtonLink href="/dashboard/agents/new" variant="primary" size="sm">
                  Create an agent
                </ButtonLink>
              </div>
            }
          >
            <AgentChecklist
              legend="Assign new documents to"
              hint="The agents that will answer from what you add here. Your choice is remembered; you can change it per document below."
              agents={props.agents}
              selected={agentIds()}
              onChange={setAgentIds}
            />
            <Show when={agentIds().length === 0}>
              <p class="small">
                <Badge tone="warning">No agent</Badge> What you add now will not be used by any
                agent until you assign it.
              </p>
            </Show>
          </Show>
        }
      >
        {(agent) => (
          <p class="muted">
            Everything you add here is used by <strong>{agent().name}</strong> to answer.
          </p>
        )}
      </Show>
      <div
        class={`dropzone ${dragging() ? "dragging" : ""}`}
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
        }}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          onFiles(e.dataTransfer?.files);
        }}
      >
        <p>
          <strong>Drop files here</strong> or{" "}
          <label for="upload-files" class="button inline-label">
            Choose files
          </label>
        </p>
        <input
          ref={fileInput}
          id="upload-files"
          class="visually-hidden"
          type="file"
          multiple
          accept={ACCEPT}
          aria-label="Upload files"
          aria-describedby="upload-files-hint"
          onChange={(e) => onFiles(e.currentTarget.files)}
        />
        <p class="field-hint" id="upload-files-hint">
          {ACCEPTED_TYPES.join(", ")}. The type is read from the content, not the name.
        </p>
      </div>
      <div class="grid-2">
        <form onSubmit={(e) => void submitUrl(e)} novalidate aria-label="Add a web page">
          <Field
            label="Web page URL"
            hint="A public page or file; it is fetched once, now."
            error={urlError()}
          >
            {(attrs) => (
              <input
                {...attrs}
                type="url"
                inputmode="url"
                placeholder="https://example.com/faq"
                value={url()}
                onInput={(e) => setUrl(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={busy()}>
            Add URL
          </button>
        </form>
        <form onSubmit={(e) => void submitText(e)} novalidate aria-label="Add pasted text">
          <Field label="Text name" hint="Optional; shown in the document list.">
            {(attrs) => (
              <input
                {...attrs}
                placeholder="Pasted text"
                maxlength={500}
                value={textName()}
                onInput={(e) => setTextName(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Pasted text" error={textError()}>
            {(attrs) => (
              <textarea
                {...attrs}
                rows={4}
                value={text()}
                onInput={(e) => setText(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" disabled={busy()}>
            Add text
          </button>
        </form>
      </div>
      <Show when={props.tracker.uploads().length}>
        <h3 id="uploads-title">Uploads</h3>
        <ul class="upload-list" aria-labelledby="uploads-title">
          <For each={props.tracker.uploads()}>
            {(item) => (
              <UploadProgress item={item} onDismiss={() => props.tracker.dismiss(item.key)} />
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}
