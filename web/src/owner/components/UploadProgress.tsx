/**
 * One upload's progress: its bar, the stages it goes through (the current one marked), the
 * chunk count, and how it ended: "completed", or "failed" with the server's reason.
 * Pure display: the ingestion tracker feeds it the latest progress frame.
 */
import { For, Show } from "solid-js";
import type { IngestionProgress, IngestionStage } from "../../../../shared/protocol/ingestion.ts";

/** The stages a successful job goes through, in order. */
export const PIPELINE: readonly { stage: IngestionStage; label: string }[] = [
  { stage: "stored", label: "Stored" },
  { stage: "parsing", label: "Parsing" },
  { stage: "chunking", label: "Chunking" },
  { stage: "embedding", label: "Embedding" },
  { stage: "completed", label: "Completed" },
];

export type UploadPhase = "uploading" | "processing" | "completed" | "failed";

export interface UploadItemState {
  name: string;
  /** The latest progress frame (null before the server accepted the file). */
  progress: IngestionProgress | null;
  /** A failure before a job existed (the upload was refused), or a lost job. */
  error?: string | undefined;
  /** The connection to the progress socket, when it is not simply open. */
  connection?: "reconnecting" | "polling" | undefined;
  /** While a file is being sent: the share of it sent so far (0..1), when the browser tells. */
  sent?: number | undefined;
}

export function phaseOf(item: UploadItemState): UploadPhase {
  if (item.error) return "failed";
  const p = item.progress;
  if (!p) return "uploading";
  if (p.stage === "completed") return "completed";
  if (p.stage === "failed" || p.stage === "cancelled" || p.status === "error") return "failed";
  return "processing";
}

/** The word shown as the item's status: the stage name, "uploading" before that. */
export function statusWord(item: UploadItemState): string {
  const phase = phaseOf(item);
  if (phase === "uploading") return "uploading";
  if (phase === "failed") return item.progress?.stage === "cancelled" ? "cancelled" : "failed";
  return item.progress?.stage ?? phase;
}

export function failureReason(item: UploadItemState): string | undefined {
  if (item.error) return item.error;
  const p = item.progress;
  if (!p || phaseOf(item) !== "failed") return undefined;
  return p.error?.message ?? p.message;
}

export function UploadProgress(props: { item: UploadItemState; onDismiss?: () => void }) {
  const phase = () => phaseOf(props.item);
  const percent = () => Math.round((props.item.progress?.progress ?? 0) * 100);
  const sentPercent = () => Math.round((props.item.sent ?? 0) * 100);
  const currentIndex = () => {
    const stage = props.item.progress?.stage;
    return stage ? PIPELINE.findIndex((s) => s.stage === stage) : -1;
  };
  const barId = `upload-${Math.random().toString(36).slice(2)}`;

  return (
    <li class={`upload-item upload-${phase()}`} aria-label={props.item.name}>
      <div class="row">
        <strong class="upload-name" id={`${barId}-name`}>
          {props.item.name}
        </strong>
        <span
          class={`badge ${phase() === "completed" ? "success" : phase() === "failed" ? "danger" : ""}`}
          role="status"
          aria-live="polite"
        >
          {statusWord(props.item)}
        </span>
        <span class="spacer" />
        <Show when={props.item.connection}>
          <span class="small muted">
            {props.item.connection === "reconnecting" ? "Reconnecting…" : "Checking progress…"}
          </span>
        </Show>
        <Show when={props.onDismiss && (phase() === "completed" || phase() === "failed")}>
          <button
            type="button"
            class="small-button"
            onClick={() => props.onDismiss?.()}
            aria-label={`Dismiss ${props.item.name}`}
          >
            Dismiss
          </button>
        </Show>
      </div>
      <Show
        when={phase() !== "uploading"}
        fallback={
          <Show
            when={props.item.sent !== undefined}
            fallback={<progress aria-labelledby={`${barId}-name`} aria-valuetext="Uploading" />}
          >
            <progress
              max="100"
              value={sentPercent()}
              aria-labelledby={`${barId}-name`}
              aria-valuetext={`${sentPercent()}% sent`}
            />
          </Show>
        }
      >
        <progress
          max="100"
          value={percent()}
          aria-labelledby={`${barId}-name`}
          aria-valuetext={`${percent()}% (${statusWord(props.item)})`}
        />
      </Show>
      <Show when={phase() !== "failed"}>
        <ol class="stages" aria-label="Stages">
          <For each={PIPELINE}>
            {(s, i) => (
              <li
                class={
                  i() < currentIndex() || (phase() === "completed" && i() === currentIndex())
                    ? "done"
                    : i() === currentIndex()
                      ? "current"
                      : ""
                }
                aria-current={
                  i() === currentIndex() && phase() !== "completed" ? "step" : undefined
                }
              >
                {s.label}
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={phase() !== "failed"}>
        <p class="small muted">
          <Show
            when={props.item.progress}
            fallback={
              props.item.sent !== undefined
                ? `Sending the file… ${sentPercent()}% sent`
                : "Sending the file…"
            }
          >
            {(p) => (
              <>
                {p().message}
                <Show when={p().total_chunks > 0}>
                  {" "}
                  · {p().chunks_processed} of {p().total_chunks} chunks
                </Show>
              </>
            )}
          </Show>
        </p>
      </Show>
      <Show when={failureReason(props.item)}>
        {(reason) => (
          <p class="error" role="alert">
            Failed: {reason()}
          </p>
        )}
      </Show>
    </li>
  );
}
