/**
 * The dashboard overview, fed by one stubbed GET /api/v1/stats: the totals, the token usage
 * (shortened, with the exact figure beside it) and the 30-day conversations chart.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import type { Stats } from "../../shared/api/stats.ts";
import OverviewPage from "../../web/src/owner/OverviewPage.tsx";

const DAY_MS = 86_400_000;
const today = Date.UTC(2026, 2, 31);

/** Thirty days ending March 31: 4 conversations on March 30, 2 on March 12, none otherwise. */
const STATS: Stats = {
  totals: {
    agents: 3,
    public_agents: 1,
    documents: 2,
    conversations: 17,
    messages: 12_345,
    tokens: { prompt: 1_000_000, completion: 234_567, total: 1_234_567 },
  },
  days: Array.from({ length: 30 }, (_, i) => {
    const day = new Date(today - (29 - i) * DAY_MS).toISOString().slice(0, 10);
    const conversations = day === "2026-03-30" ? 4 : day === "2026-03-12" ? 2 : 0;
    return { day, conversations, messages: conversations * 3, tokens: conversations * 100 };
  }),
};

let fetchMock: ReturnType<typeof vi.fn>;
let answer: () => Response;
const statsCalls = () =>
  fetchMock.mock.calls.filter(([path]) => String(path).startsWith("/api/v1/stats"));

beforeEach(() => {
  localStorage.setItem(
    "nooble.dev-session",
    JSON.stringify({
      token: "owner-token",
      expiresAt: Date.now() + 3_600_000,
      user: { id: "u", email: "o@example.com" },
    }),
  );
  answer = () => Response.json(STATS);
  fetchMock = vi.fn(async (path: string) => {
    if (path.startsWith("/api/v1/stats")) return answer();
    return Response.json(
      { error: { code: "ROUTE_NOT_FOUND", message: "no such route" } },
      { status: 404 },
    );
  });
  vi.stubGlobal("fetch", fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** The page as the dashboard mounts it: a route, so its links resolve. */
const renderPage = () =>
  render(() => (
    <MemoryRouter>
      <Route path="/" component={OverviewPage} />
    </MemoryRouter>
  ));
const tile = (label: string) => screen.getByText(label, { selector: ".stat-label" }).parentElement;

describe("OverviewPage", () => {
  it("shows the totals and token usage from one stats request", async () => {
    renderPage();
    await screen.findByText("1.2M");
    expect(statsCalls()).toHaveLength(1);
    expect(statsCalls()[0]?.[0]).toBe("/api/v1/stats?days=30");
    expect((statsCalls()[0]?.[1] as RequestInit).headers).toMatchObject({
      authorization: "Bearer owner-token",
    });

    expect(tile("Agents")?.textContent).toBe("3Agents1 public");
    expect(tile("Documents")?.textContent).toBe("2Documents");
    expect(tile("Conversations")?.textContent).toBe("17Conversations");
    expect(tile("Messages")?.textContent).toBe("12.3KMessages12,345 messages");
    expect(tile("Total tokens")?.textContent).toBe("1.2MTotal tokens1,234,567 tokens");
    expect(tile("Prompt tokens")?.textContent).toBe("1MPrompt tokens1,000,000 tokens");
    expect(tile("Completion tokens")?.textContent).toBe("234.6KCompletion tokens234,567 tokens");
    expect(screen.getByText(/600 of them in the last 30 days/)).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Get started" })).toBeNull();
  });

  it("draws the conversations chart from the days of the same answer", async () => {
    renderPage();
    const chart = await screen.findByRole("img", { name: /Conversations per day/ });
    expect(chart.querySelectorAll("rect.bar")).toHaveLength(30);
    expect(
      screen.getByText(/^6 conversations in the last 30 days; busiest day .+ with 4\.$/, {
        selector: "figcaption",
      }),
    ).toBeTruthy();
    expect(
      screen
        .getAllByRole("row")
        .slice(1)
        .map((r) => r.lastElementChild?.textContent),
    ).toEqual(STATS.days.map((d) => String(d.conversations)));
    expect(statsCalls()).toHaveLength(1);
  });

  it("says why the numbers could not be loaded", async () => {
    answer = () =>
      Response.json(
        { error: { code: "INTERNAL_ERROR", message: "Something went wrong on our side." } },
        { status: 500 },
      );
    renderPage();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain(
      "Could not load the numbers: Something went wrong on our side.",
    );
    expect(screen.queryByRole("img", { name: /Conversations per day/ })).toBeNull();
  });
});
