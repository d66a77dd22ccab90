/**
 * The CRM transcript page shows the client's chat/init metadata as "Visitor details" (text, in
 * the order sent, null as a dash) and shows no such section for a conversation without any.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@solidjs/testing-library";
import { MemoryRouter, Route, createMemoryHistory } from "@solidjs/router";
import type { ConversationDetail } from "../../shared/api/conversations.ts";
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
    vi.fn(async (path: string) => {
      if (path === `/api/v1/conversations/${ID}`) return Response.json(answer);
      return Response.json(
        { error: { code: "ROUTE_NOT_FOUND", message: "no such route" } },
        { status: 404 },
      );
    }),
  );
});
afterEach(() => {
  cleanup();
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
