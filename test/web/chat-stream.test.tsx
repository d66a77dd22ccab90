/**
 * The chat stream renderer: frames applied to the transcript, rendered by MessageList, as a
 * visitor sees them. Chunks appear in order, a duplicate is ignored and a gap asks to resume,
 * a new attempt throws the old text away, chat_response replaces the streamed text, errors
 * are shown with a retry when possible, and Markdown never lets HTML through.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { MessageList } from "../../web/src/chat/MessageList.tsx";
import { Markdown, markdownToHtml } from "../../web/src/chat/Markdown.tsx";
import { createTranscript } from "../../web/src/chat/transcript.ts";
import { ServerFrameSchema } from "../../shared/protocol/chat.ts";

afterEach(cleanup);

const TASK = "task-1";
const chunk = (content: string, chunk_index: number, attempt = 1, is_final = false) => ({
  content,
  chunk_index,
  attempt,
  is_final,
});
const response = (
  message: string,
  sources: { document_name: string; page?: number | null; snippet: string }[] = [],
) => ({
  message,
  message_id: "m-answer",
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
  sources: sources.map((s, i) => ({ document_id: `d${i}`, score: 0.5, page: null, ...s })),
  execution_time_ms: 12,
  conversation_id: "c-1",
  model: "extractive",
});

function setup() {
  const transcript = createTranscript();
  const onRetry = vi.fn();
  const view = render(() => (
    <MessageList messages={transcript.state.messages} agentName="Guide" onRetry={onRetry} />
  ));
  const answer = () => view.container.querySelector(".chat-message.assistant .markdown");
  return { transcript, onRetry, view, answer };
}

describe("chat stream rendering", () => {
  it("shows the visitor's message, a typing indicator, then chunks appended in order", () => {
    const { transcript, view, answer } = setup();
    transcript.addPending("When do you open?");
    expect(screen.getByText("When do you open?")).toBeTruthy();
    expect(screen.getByText("Sending…")).toBeTruthy();

    transcript.processing(TASK, 1);
    expect(screen.queryByText("Sending…")).toBeNull();
    expect(screen.getByText("Guide is typing…")).toBeTruthy();

    expect(transcript.chunk(TASK, chunk("We ", 0))).toBeNull();
    expect(screen.queryByText("Guide is typing…")).toBeNull();
    transcript.chunk(TASK, chunk("open ", 1));
    transcript.chunk(TASK, chunk("at **eight**.", 2));
    expect(answer()?.textContent).toBe("We open at eight.");
    expect(answer()?.querySelector("strong")?.textContent).toBe("eight");
    expect(view.container.querySelector(".chat-message.assistant")?.getAttribute("aria-busy")).toBe(
      "true",
    );
    expect(transcript.busy()).toBe(true);
  });

  it("ignores a chunk it already has and asks to resume after a gap", () => {
    const { transcript, answer } = setup();
    transcript.processing(TASK, 1);
    transcript.chunk(TASK, chunk("one ", 0));
    expect(transcript.chunk(TASK, chunk("one ", 0))).toBeNull();
    expect(transcript.chunk(TASK, chunk("three ", 2))).toEqual({
      task_id: TASK,
      last_chunk_index: 0,
      last_step: -1,
      attempt: 1,
    });
    expect(answer()?.textContent).toBe("one");
    transcript.chunk(TASK, chunk("two ", 1));
    transcript.chunk(TASK, chunk("three", 2));
    expect(answer()?.textContent).toBe("one two three");
  });

  it("throws away the old attempt's text when a new attempt starts", () => {
    const { transcript, answer } = setup();
    transcript.processing(TASK, 1);
    transcript.chunk(TASK, chunk("The first try was cut ", 0));
    transcript.chunk(TASK, chunk("off", 1));
    transcript.processing(TASK, 2);
    expect(answer()).toBeNull(); // empty again: the typing indicator is back
    expect(screen.getByText("Guide is typing…")).toBeTruthy();
    transcript.chunk(TASK, chunk("A late chunk of attempt one", 2, 1));
    transcript.chunk(TASK, chunk("Second ", 0, 2));
    transcript.chunk(TASK, chunk("try.", 1, 2));
    expect(answer()?.textContent).toBe("Second try.");
  });

  it("restarts on a chunk of a newer attempt even without chat_processing", () => {
    const { transcript, answer } = setup();
    transcript.processing(TASK, 1);
    transcript.chunk(TASK, chunk("old", 0));
    transcript.chunk(TASK, chunk("new", 0, 2));
    expect(answer()?.textContent).toBe("new");
  });

  it("replaces the streamed text with the final message and its sources", () => {
    const { transcript, view, answer } = setup();
    transcript.processing(TASK, 1);
    transcript.chunk(TASK, chunk("Streamed text", 0));
    transcript.chunk(TASK, chunk("", 1, 1, true));
    transcript.respond(
      TASK,
      response("The clinic opens at eight [1].", [
        { document_name: "Handbook.pdf", page: 3, snippet: "opens at eight" },
      ]),
    );
    expect(answer()?.textContent).toBe("The clinic opens at eight [1].");
    expect(answer()?.classList.contains("streaming")).toBe(false);
    expect(screen.getByText("1 source", { selector: "summary" })).toBeTruthy();
    expect(screen.getByText("· page 3", { exact: false })).toBeTruthy();
    expect(
      view.container.querySelector(".chat-message.assistant")?.getAttribute("data-status"),
    ).toBe("done");
    expect(transcript.busy()).toBe(false);
    // A chunk arriving after the final answer changes nothing.
    transcript.chunk(TASK, chunk("late", 2));
    expect(answer()?.textContent).toBe("The clinic opens at eight [1].");
  });

  it("shows a failed answer with its reason and a retry when the server says it may help", () => {
    const { transcript, onRetry } = setup();
    transcript.addPending("Hello?");
    transcript.processing(TASK, 1);
    transcript.fail(TASK, {
      code: "PROVIDER_ERROR",
      message: "The model did not answer.",
      retry_possible: true,
    });
    expect(screen.getByRole("alert").textContent).toContain("The model did not answer.");
    screen.getByRole("button", { name: "Try again" }).click();
    expect(onRetry).toHaveBeenCalledTimes(1);
    const key = onRetry.mock.calls[0]?.[0] as string;
    expect(transcript.questionBefore(key)).toBe("Hello?");
  });

  it("offers no retry when trying again cannot help", () => {
    const { transcript } = setup();
    transcript.processing(TASK, 1);
    transcript.fail(TASK, {
      code: "SESSION_ENDED",
      message: "This chat session has ended.",
      retry_possible: false,
    });
    expect(screen.getByRole("alert").textContent).toContain("has ended");
    expect(screen.queryByRole("button", { name: "Try again" })).toBeNull();
  });

  it("gives a refused message back instead of leaving it in the transcript", () => {
    const { transcript } = setup();
    transcript.addPending("too long");
    expect(transcript.rejectPending()).toBe("too long");
    expect(screen.queryByText("too long")).toBeNull();
  });

  it("rebuilds the transcript from connection_ack and resumes an answer in progress", () => {
    const { transcript, answer } = setup();
    transcript.processing(TASK, 1);
    transcript.chunk(TASK, chunk("Half ", 0));
    transcript.chunk(TASK, chunk("an answer", 1));
    const ack = {
      session_id: "s",
      agent_id: "a",
      agent_name: "Guide",
      history: [
        {
          id: "u1",
          role: "user" as const,
          content: "First question",
          created_at: "2026-01-01T00:00:00Z",
        },
        {
          id: "a1",
          role: "assistant" as const,
          content: "First answer",
          created_at: "2026-01-01T00:00:01Z",
          sources: [],
        },
        {
          id: "u2",
          role: "user" as const,
          content: "Second question",
          created_at: "2026-01-01T00:00:02Z",
        },
      ],
      active_task: { task_id: TASK, attempt: 1, chunks_sent: 5 },
    };
    expect(transcript.acknowledge(ack)).toEqual({
      resume: { task_id: TASK, last_chunk_index: 1, attempt: 1, last_step: -1 },
      unsent: null,
    });
    expect(screen.getByText("First question")).toBeTruthy();
    expect(screen.getByText("First answer")).toBeTruthy();
    expect(answer()?.textContent).toBe("First answer");
    const answers = document.querySelectorAll(".chat-message.assistant .markdown");
    expect(answers[1]?.textContent).toBe("Half an answer");
    transcript.chunk(TASK, chunk(" continues", 2));
    expect(answers[1]?.textContent).toBe("Half an answer continues");

    // After a reload nothing is held: resume from the start of the attempt.
    const fresh = createTranscript();
    expect(
      fresh.acknowledge({ ...ack, active_task: { task_id: TASK, attempt: 2, chunks_sent: 3 } })
        .resume,
    ).toEqual({ task_id: TASK, last_chunk_index: -1, attempt: 2, last_step: -1 });
  });
});

describe("Markdown safety", () => {
  it("never renders raw HTML: script tags and event handlers come out as text", () => {
    const html = markdownToHtml(
      'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold?</b>',
    );
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("&lt;script&gt;");
    render(() => (
      <Markdown text={'<script>window.__pwned = true</script>\n\n<div onclick="x()">block</div>'} />
    ));
    expect(document.querySelector(".markdown script")).toBeNull();
    expect(document.querySelector(".markdown div")).toBeNull();
    expect(document.querySelector(".markdown")?.textContent).toContain(
      "<script>window.__pwned = true</script>",
    );
  });

  it("opens links in a new tab with rel=noopener nofollow and drops javascript: URLs", () => {
    render(() => (
      <Markdown
        text={
          "See [the docs](https://example.com/docs) and <https://example.org>, not [this](javascript:alert(1))."
        }
      />
    ));
    const links = [...document.querySelectorAll<HTMLAnchorElement>(".markdown a")];
    const safe = links.filter((a) => a.getAttribute("href")?.startsWith("https://"));
    expect(safe.map((a) => a.getAttribute("href"))).toEqual([
      "https://example.com/docs",
      "https://example.org",
    ]);
    for (const a of links) {
      expect(a.getAttribute("rel")).toBe("noopener nofollow");
      expect(a.getAttribute("target")).toBe("_blank");
      expect(a.getAttribute("href") ?? "").not.toMatch(/^javascript:/i);
    }
  });

  it("turns images into links, so an answer cannot make the browser fetch anything", () => {
    render(() => <Markdown text={"![a tracking pixel](https://tracker.example/p.gif)"} />);
    expect(document.querySelector(".markdown img")).toBeNull();
    const link = screen.getByRole("link", { name: "a tracking pixel" });
    expect(link.getAttribute("href")).toBe("https://tracker.example/p.gif");
    expect(link.getAttribute("rel")).toBe("noopener nofollow");
  });

  it("makes [n] a button for sources that exist, and leaves code alone", () => {
    const onCite = vi.fn();
    render(() => (
      <Markdown
        text={"Eight [1], see also [2] and [7].\n\n`[1] in code`"}
        sourceCount={2}
        onCite={onCite}
      />
    ));
    const buttons = screen.getAllByRole("button");
    expect(buttons.map((b) => b.textContent)).toEqual(["[1]", "[2]"]);
    expect(document.querySelector(".markdown")?.textContent).toContain("[7]");
    expect(document.querySelector(".markdown code")?.textContent).toBe("[1] in code");
    buttons[1]?.click();
    expect(onCite).toHaveBeenCalledWith(2);
  });
});

describe("server frames", () => {
  it("parses every frame type of the chat socket with the shared union", () => {
    const envelope = {
      message_id: "m",
      timestamp: "2026-01-01T00:00:00.000Z",
      session_id: "s",
      task_id: TASK,
    };
    expect(
      ServerFrameSchema.parse({ ...envelope, message_type: "chat_streaming", data: chunk("x", 0) })
        .message_type,
    ).toBe("chat_streaming");
    expect(
      ServerFrameSchema.parse({ ...envelope, message_type: "chat_response", data: response("x") })
        .message_type,
    ).toBe("chat_response");
    expect(ServerFrameSchema.parse({ message_type: "pong" }).message_type).toBe("pong");
    expect(
      ServerFrameSchema.safeParse({
        ...envelope,
        message_type: "chat_streaming",
        data: { content: "x" },
      }).success,
    ).toBe(false);
  });
});
