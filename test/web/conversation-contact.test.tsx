/**
 * The contact a visitor left an agent, in the CRM pages, fed by a stubbed API: the list has a
 * "Contact" column (name, then email or phone; a dash without one) and the transcript a
 * "Contact details" card with the email and phone as links, the note and when it was given,
 * all as text; no card for a conversation without a contact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@solidjs/testing-library";
import { MemoryRouter, Route, createMemoryHistory } from "@solidjs/router";
import type {
  ConversationContact,
  ConversationDetail,
  ConversationSummary,
} from "../../shared/api/conversations.ts";
import ConversationPage from "../../web/src/owner/ConversationPage.tsx";
import ConversationsPage from "../../web/src/owner/ConversationsPage.tsx";

vi.hoisted(() => {
  localStorage.setItem(
    "nooble.dev-session",
    JSON.stringify({
      token: "owner-token",
      expiresAt: Date.now() + 3_600_000,
      user: { id: "u", email: "o@example.com" },
    }),
  );
});

const CONTACT: ConversationContact = {
  name: "Ada <b>Lovelace</b>",
  email: "ada@example.com",
  phone: "+33 6 12-34-56-78",
  note: "Wants a demo next week",
  captured_at: "2026-03-30T09:02:00.000Z",
};

const summary = (id: string, contact: ConversationContact | null): ConversationSummary => ({
  id,
  agent_id: "0d9e8f7a-6b5c-4d3e-9f1a-2b3c4d5e6f70",
  agent_name: "Front desk",
  session_id: `session-${id}`,
  is_active: false,
  message_count: 2,
  started_at: "2026-03-30T09:00:00.000Z",
  last_message_at: "2026-03-30T09:00:05.000Z",
  ended_at: "2026-03-30T09:10:00.000Z",
  duration_ms: 600_000,
  visitor: { visitor_id: null, user_agent: null, country: null, referrer: null },
  metadata: {},
  preview: "Can someone call me?",
  contact,
});

const WITH = "6f1c2d3e-4a5b-4c6d-8e7f-8091a2b3c4d5";
const WITHOUT = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const PHONE_ONLY = "8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";
const detail = (id: string, contact: ConversationContact | null): ConversationDetail => ({
  ...summary(id, contact),
  messages: [],
  counts: { user: 0, assistant: 0 },
});

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      if (path === `/api/v1/conversations/${WITH}`) return Response.json(detail(WITH, CONTACT));
      if (path === `/api/v1/conversations/${WITHOUT}`) return Response.json(detail(WITHOUT, null));
      if (path.startsWith("/api/v1/conversations?"))
        return Response.json({
          conversations: [
            summary(WITH, CONTACT),
            summary(PHONE_ONLY, { ...CONTACT, name: null, email: null }),
            summary(WITHOUT, null),
          ],
          total: 3,
          limit: 20,
          offset: 0,
        });
      if (path.startsWith("/api/v1/agents"))
        return Response.json({ agents: [], total: 0, limit: 100, offset: 0 });
      return Response.json({ error: { code: "ROUTE_NOT_FOUND", message: path } }, { status: 404 });
    }),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderAt(url: string) {
  const history = createMemoryHistory();
  history.set({ value: url });
  return render(() => (
    <MemoryRouter history={history}>
      <Route path="/dashboard/conversations" component={ConversationsPage} />
      <Route path="/dashboard/conversations/:id" component={ConversationPage} />
    </MemoryRouter>
  ));
}

describe("the visitor's contact in the CRM", () => {
  it("lists each conversation's contact in a Contact column, as text, and a dash without one", async () => {
    renderAt("/dashboard/conversations");
    const table = await screen.findByRole("table", { name: "Conversations" });
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toContain("Contact");
    const cells = [...table.querySelectorAll('td[data-label="Contact"]')].map(
      (td) => td.textContent,
    );
    expect(cells).toEqual(["Ada <b>Lovelace</b>ada@example.com", "+33 6 12-34-56-78", "—"]);
    expect(table.querySelector("td[data-label='Contact'] b")).toBeNull();
  });

  it("shows a Contact details card on the transcript, with mailto and tel links and the note", async () => {
    renderAt(`/dashboard/conversations/${WITH}`);
    const card = await screen.findByRole("region", { name: "Contact details" });
    const terms = within(card)
      .getAllByRole("term")
      .map((t) => t.textContent);
    expect(terms).toEqual(["Name", "Email", "Phone", "Given", "Note"]);
    expect(within(card).getByText("Ada <b>Lovelace</b>")).toBeTruthy();
    expect(within(card).getByRole("link", { name: "ada@example.com" }).getAttribute("href")).toBe(
      "mailto:ada@example.com",
    );
    expect(within(card).getByRole("link", { name: "+33 6 12-34-56-78" }).getAttribute("href")).toBe(
      "tel:+33612345678",
    );
    expect(within(card).getByText("Wants a demo next week")).toBeTruthy();
  });

  it("shows no contact card for a conversation without a contact", async () => {
    renderAt(`/dashboard/conversations/${WITHOUT}`);
    await screen.findByText("No messages yet.");
    expect(screen.queryByRole("region", { name: "Contact details" })).toBeNull();
  });
});
