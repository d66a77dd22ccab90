/**
 * The conversation list's empty states, fed by a stubbed API: with no conversation yet the page
 * says where they come from and offers one next action (trying an agent); with filters that
 * match nothing it says so and the next action is clearing them, not a detour to the agents.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { MemoryRouter, Route, createMemoryHistory } from "@solidjs/router";
import ConversationsPage from "../../web/src/owner/ConversationsPage.tsx";

// Signed in before the app's modules load (lib/auth.ts reads the session once, at import).
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

beforeEach(() => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      if (path.startsWith("/api/v1/conversations"))
        return Response.json({ conversations: [], total: 0, limit: 25, offset: 0 });
      if (path.startsWith("/api/v1/agents"))
        return Response.json({ agents: [], total: 0, limit: 100, offset: 0 });
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
});

const renderAt = (url: string) => {
  const history = createMemoryHistory();
  history.set({ value: url });
  return render(() => (
    <MemoryRouter history={history}>
      <Route path="/dashboard/conversations" component={ConversationsPage} />
    </MemoryRouter>
  ));
};

describe("ConversationsPage empty states", () => {
  it("with no conversation yet, offers trying an agent as the one next action", async () => {
    renderAt("/dashboard/conversations");
    await screen.findByText(/No conversations yet/);
    const action = screen.getByRole("link", { name: "Try an agent in its test chat" });
    expect(action.getAttribute("href")).toBe("/dashboard/agents");
  });

  it("with filters that match nothing, says so and offers clearing them instead", async () => {
    renderAt("/dashboard/conversations?state=active");
    await screen.findByText("No conversation matches these filters.");
    expect(screen.queryByRole("link", { name: "Try an agent in its test chat" })).toBeNull();
    expect(screen.getByRole("button", { name: /clear filters/i })).toBeTruthy();
  });
});
