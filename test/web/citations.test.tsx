/**
 * An answer's sources: collapsed under it as "N sources" (N documents), one entry per document
 * with its pages, each cited passage under it with its number; a passage sent twice is shown
 * once with both numbers, and `[n]` in the answer opens the list at passage n.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { groupSources, pagesLabel } from "../../web/src/chat/Citations.tsx";
import { MessageView } from "../../web/src/chat/MessageList.tsx";
import type { Source } from "../../shared/conversation.ts";
import type { ChatMessage } from "../../web/src/chat/transcript.ts";

afterEach(cleanup);

const source = (document_id: string, page: number | null, snippet: string): Source => ({
  document_id,
  document_name: document_id === "d1" ? "Staff handbook.pdf" : "FAQ.md",
  page,
  snippet,
  score: 0.9,
});

/** [1] and [3] from the handbook (pages 12 and 4), [2] from the FAQ, [4] repeats [1]. */
const SOURCES: Source[] = [
  source("d1", 12, "The clinic opens at eight in the morning."),
  source("d2", null, "Parking is behind the pharmacy."),
  source("d1", 4, "The clinic closes at six."),
  source("d1", 12, "The clinic opens at eight in the morning."),
];

const answer = (sources: Source[]): ChatMessage => ({
  key: "a1",
  role: "assistant",
  content: "It opens at eight [1] and closes at six [3]; park behind the pharmacy [2].",
  sources,
  steps: [],
  status: "done",
});

describe("an answer's sources", () => {
  it("groups passages by document, merging a passage sent twice", () => {
    const docs = groupSources(SOURCES);
    expect(docs.map((d) => d.document_name)).toEqual(["Staff handbook.pdf", "FAQ.md"]);
    expect(docs[0]?.passages.map((p) => p.refs)).toEqual([[1, 4], [3]]);
    expect(docs[0] && pagesLabel(docs[0])).toBe("pages 4, 12");
    expect(docs[1] && pagesLabel(docs[1])).toBe("");
  });

  it("is collapsed under the answer as a disclosure counting documents", () => {
    render(() => <MessageView message={answer(SOURCES)} agentName="Guide" />);
    const details = document.querySelector("details.citations");
    expect(details?.hasAttribute("open")).toBe(false);
    expect(details?.querySelector("summary")?.textContent).toBe("2 sources");
    expect(screen.getByText("Staff handbook.pdf")).toBeTruthy();
    expect(screen.getByText("· pages 4, 12", { exact: false })).toBeTruthy();
    expect(document.querySelectorAll(".citation-passage")).toHaveLength(3);
    expect(screen.getByText("[1][4]")).toBeTruthy();
  });

  it("says one source for one document", () => {
    render(() => <MessageView message={answer(SOURCES.slice(0, 1))} agentName="Guide" />);
    expect(document.querySelector("summary")?.textContent).toBe("1 source");
  });

  it("opens at the passage an [n] marker in the answer points at", async () => {
    render(() => <MessageView message={answer(SOURCES)} agentName="Guide" />);
    screen.getByRole("button", { name: "Show source 3" }).click();
    await Promise.resolve();
    expect(document.querySelector("details.citations")?.hasAttribute("open")).toBe(true);
    const focused = document.querySelector("[data-focused]");
    expect(focused?.textContent).toContain("The clinic closes at six.");
    expect(document.activeElement).toBe(focused);
  });

  it("shows no sources for an answer without any", () => {
    render(() => <MessageView message={answer([])} agentName="Guide" />);
    expect(document.querySelector("details.citations")).toBeNull();
  });
});
