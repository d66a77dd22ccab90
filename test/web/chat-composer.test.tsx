/**
 * The message box says its limit instead of applying it silently: a counter near the limit,
 * and over it the message is not sent, Send is disabled and the reason is shown; nothing is
 * trimmed. The chat says once, in its header, when answers quote the documents.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSignal } from "solid-js";
import { cleanup, fireEvent, render, screen } from "@solidjs/testing-library";
import { Composer } from "../../web/src/chat/Composer.tsx";
import { ChatPanel } from "../../web/src/chat/ChatPanel.tsx";

afterEach(cleanup);

function renderComposer(maxChars = 100) {
  const onSend = vi.fn();
  const [draft, setDraft] = createSignal("");
  render(() => (
    <Composer
      id="msg"
      agentName="Guide"
      draft={draft()}
      onDraft={setDraft}
      onSend={onSend}
      maxChars={maxChars}
      busy={false}
    />
  ));
  const input = screen.getByLabelText("Message Guide") as HTMLTextAreaElement;
  const type = (text: string) => fireEvent.input(input, { target: { value: text } });
  const send = screen.getByRole("button", { name: "Send" }) as HTMLButtonElement;
  return { onSend, input, type, send };
}

describe("the message limit", () => {
  it("shows no counter for a short message and sends it", () => {
    const { onSend, type, send } = renderComposer();
    type("Hello");
    expect(document.querySelector(".chat-counter")).toBeNull();
    send.click();
    expect(onSend).toHaveBeenCalledWith("Hello");
  });

  it("shows a counter near the limit", () => {
    const { type, send } = renderComposer();
    type("x".repeat(85));
    expect(document.querySelector(".chat-counter")?.textContent).toBe("85 / 100");
    expect(send.disabled).toBe(false);
  });

  it("over the limit keeps the whole text, disables Send, says why and sends nothing on Enter", () => {
    const { onSend, input, type, send } = renderComposer(4000);
    type("y".repeat(6000));
    expect(input.value).toHaveLength(6000);
    expect(input.hasAttribute("maxlength")).toBe(false);
    expect(send.disabled).toBe(true);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const reason = document.getElementById(input.getAttribute("aria-describedby") ?? "");
    expect(reason?.textContent).toContain("6,000 / 4,000");
    expect(reason?.textContent).toContain("at most 4,000 characters. Remove 2,000 to send it.");
    fireEvent.keyDown(input, { key: "Enter" });
    send.click();
    expect(onSend).not.toHaveBeenCalled();
  });
});

describe("answers that quote the documents", () => {
  it("are said once in the chat's header when the agent has no language model", () => {
    render(() => <ChatPanel agent={{ id: "a1", name: "Guide", quotes_only: true }} />);
    expect(screen.getAllByText(/Answers quote the documents directly/)).toHaveLength(1);
  });

  it("are not mentioned when a language model answers", () => {
    render(() => <ChatPanel agent={{ id: "a2", name: "Guide" }} />);
    expect(screen.queryByText(/Answers quote the documents/)).toBeNull();
  });
});
