/**
 * Citation display: each source shows its document and page; its passage opens and closes on
 * a click (with aria-expanded saying which), and `[n]` in the answer opens the n-th source.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSignal } from "solid-js";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { Citations, sourceLabel } from "../../web/src/chat/Citations.tsx";
import { MessageView } from "../../web/src/chat/MessageList.tsx";
import type { Source } from "../../shared/conversation.ts";
import type { ChatMessage } from "../../web/src/chat/transcript.ts";

afterEach(cleanup);

const SOURCES: Source[] = [
  {
    document_id: "d1",
    document_name: "Staff handbook.pdf",
    page: 12,
    snippet: "The clinic opens at eight in the morning.",
    score: 0.9,
  },
  {
    document_id: "d2",
    document_name: "FAQ.md",
    page: null,
    snippet: "Parking is behind the pharmacy.",
    score: 0.4,
  },
];

function snippetOf(button: HTMLElement): HTMLElement | null {
  return document.getElementById(button.getAttribute("aria-controls") ?? "");
}

describe("Citations", () => {
  it("labels each source with its document and page (no page for documents without pages)", () => {
    expect(sourceLabel(SOURCES[0] as Source)).toBe("Staff handbook.pdf, page 12");
    expect(sourceLabel(SOURCES[1] as Source)).toBe("FAQ.md");
    const [open, setOpen] = createSignal(new Set<number>());
    render(() => (
      <Citations
        sources={SOURCES}
        isOpen={(i) => open().has(i)}
        onToggle={(i) => setOpen(new Set([i]))}
      />
    ));
    expect(screen.getByRole("heading", { name: "Sources" })).toBeTruthy();
    expect(screen.getByRole("button", { name: /Staff handbook\.pdf, page 12/ })).toBeTruthy();
    expect(screen.getByRole("button", { name: /FAQ\.md$/ })).toBeTruthy();
  });

  it("expands and collapses a source's snippet", () => {
    const message: ChatMessage = {
      key: "a1",
      role: "assistant",
      content: "It opens at eight [1].",
      sources: SOURCES,
      status: "done",
    };
    render(() => <MessageView message={message} agentName="Guide" />);
    const first = screen.getByRole("button", { name: /Staff handbook\.pdf, page 12/ });
    const second = screen.getByRole("button", { name: /FAQ\.md/ });
    expect(first.getAttribute("aria-expanded")).toBe("false");
    expect(snippetOf(first)?.hidden).toBe(true);

    first.click();
    expect(first.getAttribute("aria-expanded")).toBe("true");
    expect(snippetOf(first)?.hidden).toBe(false);
    expect(snippetOf(first)?.textContent).toBe("The clinic opens at eight in the morning.");
    expect(snippetOf(second)?.hidden).toBe(true);

    second.click();
    expect(snippetOf(second)?.hidden).toBe(false);
    expect(snippetOf(second)?.textContent).toBe("Parking is behind the pharmacy.");

    first.click();
    expect(first.getAttribute("aria-expanded")).toBe("false");
    expect(snippetOf(first)?.hidden).toBe(true);
    expect(snippetOf(second)?.hidden).toBe(false);
  });

  it("opens the source an [n] marker in the answer points at", () => {
    const message: ChatMessage = {
      key: "a1",
      role: "assistant",
      content: "It opens at eight [1].",
      sources: SOURCES,
      status: "done",
    };
    render(() => <MessageView message={message} agentName="Guide" />);
    const source = screen.getByRole("button", { name: /Staff handbook\.pdf/ });
    screen.getByRole("button", { name: "Show source 1" }).click();
    expect(source.getAttribute("aria-expanded")).toBe("true");
    // A second click on the marker keeps it open (it points, it does not toggle).
    screen.getByRole("button", { name: "Show source 1" }).click();
    expect(source.getAttribute("aria-expanded")).toBe("true");
  });

  it("renders nothing for an answer without sources", () => {
    const message: ChatMessage = {
      key: "a1",
      role: "assistant",
      content: "Hello.",
      sources: [],
      status: "done",
    };
    render(() => <MessageView message={message} agentName="Guide" />);
    expect(screen.queryByRole("heading", { name: "Sources" })).toBeNull();
  });
});
