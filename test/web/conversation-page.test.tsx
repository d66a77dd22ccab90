/**
 * The CRM transcript page: the client's chat/init metadata as "Visitor details" (text, in the
 * order sent, null as a dash; none for a conversation without any); answers rendered as
 * Markdown by the chat's renderer (raw HTML still escaped), the visitor's words as text;
 * durations a person reads; and one conversation downloaded as CSV or JSON.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { MemoryRouter, Route, createMemoryHistory } from "@solidjs/router";
import type { ConversationDetail } from "../../shared/api/conversations.ts";
import type { MessageMetadata } from "../../shared/conversation.ts";
import ConversationPage from "../../web/src/owner/ConversationPage.tsx";

const ID = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";

const conversation = (metadata: ConversationDetail["metadata"]): ConversationDetail => ({
  id: ID,
  agent_id: "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70",
  agent_name: "Front desk",
  session_id: "session-1",
  is_active: false,
  message_count: 2,
  started_at: "2026-03-30T09:00:00.000Z",
  last_message_at: "2026-03-30T09:00:05.000Z",
  ended_at: "2026-03-30T09:10:00.000Z",
  duration_ms: 600_000,
  visitor: {
    visitor_id: "visitor-42",
    user_agent: null,
    country: "FR",
    referrer: "https://shop.example",
  },
  metadata,
  preview: "Do you ship abroad?",
  contact: null,
  messages: [
    {
      id: "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      role: "user",
      content: "Do you ship abroad?",
      seq: 0,
      created_at: "2026-03-30T09:00:00.000Z",
      metadata: {},
    },
    {
      id: "8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
      role: "assistant",
      content: "Yes, to the whole EU.",
      seq: 1,
      created_at: "2026-03-30T09:00:05.000Z",
      metadata: {},
    },
  ],
  counts: { user: 1, assistant: 1 },
});

let answer: ConversationDetail;
const requests: { path: string; authorization: string | null }[] = [];

beforeEach(() => {
  localStorage.setItem(
    "nooble.dev-session",
    JSON.stringify({
      token: "owner-token",
      expiresAt: Date.now() + 3_600_000,
      user: { id: "u", email: "o@example.com" },
    }),
  );
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init?: RequestInit) => {
      requests.push({ path, authorization: new Headers(init?.headers).get("authorization") });
      if (path === `/api/v1/conversations/${ID}`) return Response.json(answer);
      if (path === `/api/v1/conversations/${ID}/export?format=csv`)
        return new Response("conversation_id,agent_name\r\n", {
          headers: {
            "content-type": "text/csv; charset=utf-8",
            "content-disposition": 'attachment; filename="conversation-2026-03-30-6f1c2d3e.csv"',
          },
        });
      return Response.json(
        { error: { code: "ROUTE_NOT_FOUND", message: "no such route" } },
        { status: 404 },
      );
    }),
  );
});
afterEach(() => {
  cleanup();
  requests.length = 0;
  vi.unstubAllGlobals();
  localStorage.clear();
});

function renderPage() {
  const history = createMemoryHistory();
  history.set({ value: `/dashboard/conversations/${ID}` });
  return render(() => (
    <MemoryRouter history={history}>
      <Route path="/dashboard/conversations/:id" component={ConversationPage} />
    </MemoryRouter>
  ));
}

describe("ConversationPage visitor details", () => {
  it("lists the conversation's metadata as text, in the order the client sent it", async () => {
    answer = conversation({
      page: "/pricing",
      plan: "<b>pro</b>",
      returning: true,
      visits: 3,
      coupon: null,
    });
    renderPage();
    const section = await screen.findByRole("region", { name: "Visitor details" });
    const terms = within(section)
      .getAllByRole("term")
      .map((t) => t.textContent);
    const values = within(section)
      .getAllByRole("definition")
      .map((d) => d.textContent);
    expect(terms).toEqual(["page", "plan", "returning", "visits", "coupon"]);
    expect(values).toEqual(["/pricing", "<b>pro</b>", "true", "3", "—"]);
    expect(section.querySelector("b")).toBeNull();
    expect(screen.getByText("Yes, to the whole EU.")).toBeTruthy();
  });

  it("shows no visitor details for a conversation without metadata", async () => {
    answer = conversation({});
    renderPage();
    await screen.findByText("Yes, to the whole EU.");
    expect(screen.queryByRole("region", { name: "Visitor details" })).toBeNull();
    expect(screen.queryByText("Visitor details")).toBeNull();
  });
});

const withMessages = (
  messages: { role: "user" | "assistant"; content: string; metadata?: MessageMetadata }[],
): ConversationDetail => ({
  ...conversation({}),
  duration_ms: 200_000,
  messages: messages.map((m, i) => ({
    id: `9c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e${String(i).padStart(2, "0")}`,
    seq: i,
    created_at: "2026-03-30T09:00:05.000Z",
    metadata: {},
    ...m,
  })),
});

describe("ConversationPage transcript", () => {
  it("renders an answer's Markdown with the chat's renderer and keeps the visitor's words as text", async () => {
    answer = withMessages([
      { role: "user", content: "What is **included**? <img src=x onerror=alert(1)>" },
      {
        role: "assistant",
        content:
          "**Breakfast** is included [1].\n\n- Wi-Fi\n- Parking\n\n<script>alert(1)</script>",
        metadata: {
          latency_ms: 3_400,
          time_to_first_token_ms: 800,
          sources: [
            {
              document_id: "d1",
              document_name: "Rates.pdf",
              page: 2,
              snippet: "Breakfast…",
              score: 0.82,
            },
          ],
        },
      },
    ]);
    renderPage();
    const strong = await screen.findByText("Breakfast");
    expect(strong.tagName).toBe("STRONG");
    const items = screen.getAllByRole("listitem").map((li) => li.textContent);
    expect(items).toEqual(expect.arrayContaining(["Wi-Fi", "Parking"]));
    const transcript = screen.getByRole("list", { name: "Transcript" });
    const rendered = transcript.querySelector(".markdown");
    expect(rendered?.textContent).not.toContain("**");
    expect(transcript.querySelector("script, img")).toBeNull();
    expect(rendered?.textContent).toContain("<script>alert(1)</script>");
    expect(screen.getByText("What is **included**? <img src=x onerror=alert(1)>")).toBeTruthy();

    expect(transcript.textContent).toContain("answered in 3.4 s");
    expect(transcript.textContent).toContain("first word after 0.8 s");
    const facts = screen.getByText("Duration").closest("div");
    expect(facts?.textContent).toBe("Duration3 min 20 s");

    const sources = screen.getByText("1 source").closest("details");
    expect(sources?.open).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Show source 1" }));
    expect(sources?.open).toBe(true);
    expect(document.activeElement?.textContent).toContain("Rates.pdf");
  });

  it("downloads this conversation as CSV from the tenant-scoped export, with the owner's token", async () => {
    answer = withMessages([{ role: "user", content: "hello" }]);
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push(this.download);
    });
    renderPage();
    fireEvent.click(
      await screen.findByRole("button", { name: "Download this conversation as CSV" }),
    );
    await screen.findByText("Downloaded conversation-2026-03-30-6f1c2d3e.csv.");
    expect(clicked).toEqual(["conversation-2026-03-30-6f1c2d3e.csv"]);
    expect(requests.at(-1)).toEqual({
      path: `/api/v1/conversations/${ID}/export?format=csv`,
      authorization: "Bearer owner-token",
    });
    click.mockRestore();
  });

  it("says why an export failed, in the server's words", async () => {
    answer = withMessages([{ role: "user", content: "hello" }]);
    renderPage();
    fireEvent.click(
      await screen.findByRole("button", { name: "Download this conversation as JSON" }),
    );
    await waitFor(() =>
      expect(screen.getByRole("alert").textContent).toBe("Export failed: no such route"),
    );
  });
});
