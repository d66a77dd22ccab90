/**
 * The upload progress display, fed the frames the ingestion socket sends (the same JSON as
 * the IngestionJob Durable Object writes, parsed by the tracker's schema).
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import type { IngestionProgress, IngestionStage } from "../../shared/protocol/ingestion.ts";
import { PIPELINE, UploadProgress } from "../../web/src/owner/components/UploadProgress.tsx";
import type { UploadItemState } from "../../web/src/owner/components/UploadProgress.tsx";
import { ProgressFrameSchema } from "../../web/src/owner/components/ingest-tracker.ts";

const JOB = "0b7c8f0e-2a53-4c8e-9d43-7f1d2b0c6a11";
const DOC = "5d0e3b1a-8f7c-4e2d-9a6b-1c3f5e7d9b20";

/** A frame as the server writes it: the shared envelope around an ingestion_progress body. */
function frame(
  stage: IngestionStage,
  progress: number,
  extra: Partial<IngestionProgress> = {},
): string {
  const data: IngestionProgress = {
    job_id: JOB,
    document_id: DOC,
    status:
      stage === "completed"
        ? "completed"
        : stage === "failed" || stage === "cancelled"
          ? "error"
          : "processing",
    progress,
    stage,
    message: `At ${stage}`,
    chunks_processed: 0,
    total_chunks: 0,
    error: null,
    ...extra,
  };
  return JSON.stringify({
    message_id: crypto.randomUUID(),
    message_type: "ingestion_progress",
    timestamp: new Date().toISOString(),
    data,
    session_id: null,
    task_id: JOB,
  });
}

function parse(raw: string): IngestionProgress {
  const parsed = ProgressFrameSchema.parse(JSON.parse(raw));
  if (!parsed?.success) throw new Error("not a progress frame");
  return parsed.data;
}

function setup() {
  const [item, setItem] = createSignal<UploadItemState>({ name: "handbook.pdf", progress: null });
  render(() => <UploadProgress item={item()} />);
  const bar = () => screen.getByRole("progressbar") as HTMLProgressElement;
  const status = () => screen.getByRole("status").textContent;
  const current = () => screen.queryByRole("listitem", { current: "step" })?.textContent ?? null;
  return { item, setItem, bar, status, current };
}

afterEach(cleanup);

describe("UploadProgress", () => {
  it("shows an indeterminate bar while the file is being sent", () => {
    const { bar, status } = setup();
    expect(status()).toBe("uploading");
    expect(bar().hasAttribute("value")).toBe(false);
    expect(screen.getByText("Sending the file…")).toBeTruthy();
  });

  it("shows how much of the file has been sent once the browser reports it", () => {
    const { setItem, bar, status } = setup();
    setItem({ name: "handbook.pdf", progress: null, sent: 0.456 });
    expect(status()).toBe("uploading");
    expect(bar().value).toBe(46);
    expect(bar().getAttribute("aria-valuetext")).toBe("46% sent");
    expect(screen.getByText("Sending the file… 46% sent")).toBeTruthy();
    setItem({
      name: "handbook.pdf",
      progress: JSON.parse(frame("stored", 0.05)).data as IngestionProgress,
      sent: 1,
    });
    expect(status()).toBe("stored");
    expect(bar().getAttribute("aria-valuetext")).toBe("5% (stored)");
  });

  it("advances the bar and the current stage with each frame, then shows completed", () => {
    const { setItem, bar, status, current } = setup();
    const seen: { value: number; stage: string | null; status: string | null }[] = [];
    const frames = [
      frame("stored", 0.05),
      frame("parsing", 0.1),
      frame("chunking", 0.2),
      frame("embedding", 0.5, { chunks_processed: 20, total_chunks: 40 }),
      // The last batch embedded and indexed; the job completes with the next frame.
      frame("embedding", 0.95, { chunks_processed: 40, total_chunks: 40 }),
    ];
    for (const raw of frames) {
      setItem({ name: "handbook.pdf", progress: parse(raw) });
      seen.push({ value: Number(bar().getAttribute("value")), stage: current(), status: status() });
    }
    expect(seen.map((s) => s.value)).toEqual([5, 10, 20, 50, 95]);
    expect(seen.map((s) => s.stage)).toEqual([
      "Stored",
      "Parsing",
      "Chunking",
      "Embedding",
      "Embedding",
    ]);
    expect(seen.map((s) => s.status)).toEqual([
      "stored",
      "parsing",
      "chunking",
      "embedding",
      "embedding",
    ]);
    // every stage of the pipeline is listed, the earlier ones marked done
    expect(
      screen
        .getAllByRole("listitem")
        .filter((li) => li.closest(".stages"))
        .map((li) => li.textContent),
    ).toEqual(PIPELINE.map((s) => s.label));
    // Embedding indexes each batch as it goes: no separate indexing stage is shown or awaited.
    expect(PIPELINE.map((s) => s.label)).toEqual([
      "Stored",
      "Parsing",
      "Chunking",
      "Embedding",
      "Completed",
    ]);
    expect(screen.getByText(/20 of 40 chunks|40 of 40 chunks/)).toBeTruthy();

    setItem({
      name: "handbook.pdf",
      progress: parse(
        frame("completed", 1, {
          message: "Ready: 40 chunks indexed",
          chunks_processed: 40,
          total_chunks: 40,
        }),
      ),
    });
    expect(status()).toBe("completed");
    expect(bar().getAttribute("value")).toBe("100");
    expect(current()).toBeNull();
    expect(document.querySelectorAll(".stages li.done")).toHaveLength(PIPELINE.length);
    expect(screen.getByText(/Ready: 40 chunks indexed/)).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows a failure with the server's reason", () => {
    const { setItem, status } = setup();
    setItem({ name: "scan.pdf", progress: parse(frame("parsing", 0.1)) });
    setItem({
      name: "scan.pdf",
      progress: parse(
        frame("failed", 1, {
          message: "Parsing failed",
          error: {
            code: "IMAGE_ONLY_PDF",
            message: "This PDF has only images of text; no text could be extracted.",
          },
        }),
      ),
    });
    expect(status()).toBe("failed");
    expect(screen.getByRole("alert").textContent).toBe(
      "Failed: This PDF has only images of text; no text could be extracted.",
    );
  });

  it("shows a refused upload (no job) as failed with the API's message", () => {
    const { setItem, status } = setup();
    setItem({
      name: "photo.png",
      progress: null,
      error:
        "This file type is not supported. Accepted: PDF, DOCX, HTML, Markdown, plain text, CSV.",
    });
    expect(status()).toBe("failed");
    expect(screen.getByRole("alert").textContent).toContain("This file type is not supported");
  });

  it("ignores frames of other types", () => {
    const pong = {
      message_id: "m1",
      message_type: "pong",
      timestamp: new Date().toISOString(),
      data: {},
      session_id: null,
      task_id: null,
    };
    expect(ProgressFrameSchema.parse(pong)).toBeNull();
  });
});
