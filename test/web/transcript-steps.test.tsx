/**
 * The owner's transcript (CRM) shows an advanced-mode answer's stored steps (message metadata
 * `steps`) folded above the answer, paired as the chat pairs them; an answer without steps
 * shows no steps button.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@solidjs/testing-library";
import type { ConversationMessage } from "../../shared/api/conversations.ts";
import { TranscriptMessage } from "../../web/src/owner/components/TranscriptMessage.tsx";

afterEach(cleanup);

const answer = (metadata: ConversationMessage["metadata"]): ConversationMessage => ({
  id: "0b7c8f0e-2a53-4c8e-9d43-7f1d2b0c6a11",
  role: "assistant",
  content: "Refunds are possible within 30 days.",
  seq: 2,
  created_at: "2026-12-03T10:00:00Z",
  metadata,
});

describe("transcript message with steps", () => {
  it("shows the stored steps folded, one line per tool call and its result", () => {
    render(() => (
      <ol>
        <TranscriptMessage
          message={answer({
            mode: "advanced",
            steps: [
              {
                step: 0,
                kind: "tool_call",
                tool: "knowledge_search",
                call_id: "c1",
                summary: "Searching the knowledge base for 'refunds'…",
                detail: null,
              },
              {
                step: 1,
                kind: "tool_result",
                tool: "knowledge_search",
                call_id: "c1",
                summary: "Searched the knowledge base for 'refunds' — 2 passages",
                detail: "Orders can be refunded within 30 days.",
                ok: true,
              },
            ],
          })}
        />
      </ol>
    ));
    const toggle = screen.getByRole("button", { name: "1 step" });
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(toggle);
    expect(
      screen.getByRole("button", {
        name: "Searched the knowledge base for 'refunds' — 2 passages",
      }),
    ).toBeTruthy();
    expect(screen.getByText("Refunds are possible within 30 days.")).toBeTruthy();
  });

  it("shows no steps for an answer without them", () => {
    render(() => (
      <ol>
        <TranscriptMessage message={answer({ mode: "rag" })} />
      </ol>
    ));
    expect(screen.queryByRole("button", { name: /step/ })).toBeNull();
  });
});
