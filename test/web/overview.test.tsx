/**
 * The dashboard overview, fed by a stubbed API: the totals, the token usage (shortened, with
 * the exact figure beside it) and the 30-day conversations chart from one GET /api/v1/stats;
 * the first-run checklist from the agents, completed documents, profile and stats, leading the
 * page while incomplete, each step done only when the API says so.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import type { Agent } from "../../shared/api/agents.ts";
import type { DocumentView } from "../../shared/api/documents.ts";
import type { Profile } from "../../shared/api/profile.ts";
import type { Stats } from "../../shared/api/stats.ts";
import {
  defaultExecutionConfig,
  defaultQueryConfig,
  defaultRAGConfig,
} from "../../shared/config.ts";
import OverviewPage from "../../web/src/owner/OverviewPage.tsx";

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

const OWNER = "0b7c8f0e-2a53-4c8e-9d43-7f1d2b0c6a11";
const AGENT_ID = "5d0e3b1a-8f7c-4e2d-9a6b-1c3f5e7d9b20";
const DOC_ID = "7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

function agent(over: Partial<Agent> = {}): Agent {
  return {
    id: AGENT_ID,
    owner_id: OWNER,
    template_id: null,
    name: "Front desk",
    description: null,
    icon: "bot",
    system_prompt_override: null,
    execution_config: defaultExecutionConfig(),
    query_config: defaultQueryConfig(),
    rag_config: defaultRAGConfig(),
    is_active: true,
    is_public: true,
    created_at: "2026-03-01T00:00:00Z",
    updated_at: "2026-03-01T00:00:00Z",
    ...over,
  };
}

function doc(agentIds: string[]): DocumentView {
  return {
    id: DOC_ID,
    name: "menu.pdf",
    content_type: "application/pdf",
    size_bytes: 1000,
    source_url: null,
    collection_id: null,
    status: "completed",
    error: null,
    chunk_count: 3,
    agent_ids: agentIds,
    metadata: {},
    job_id: null,
    chunking: { chunk_size: 512, chunk_overlap: 50, source: "agents" },
    created_at: "2026-03-01T00:00:00Z",
    updated_at: "2026-03-01T00:00:00Z",
  };
}

const PROFILE: Profile = {
  id: OWNER,
  username: "rosa",
  email: "o@example.com",
  display_name: null,
  description: null,
  avatar_url: null,
  social_links: {},
  is_public: true,
  created_at: "2026-03-01T00:00:00Z",
  updated_at: "2026-03-01T00:00:00Z",
};

const EMPTY_STATS: Stats = {
  totals: {
    agents: 0,
    public_agents: 0,
    documents: 0,
    conversations: 0,
    messages: 0,
    tokens: { prompt: 0, completion: 0, total: 0 },
  },
  days: STATS.days.map((d) => ({ ...d, conversations: 0, messages: 0, tokens: 0 })),
};

/** What the stubbed API holds; each test sets its own owner. */
let world: { agents: Agent[]; completed: DocumentView[]; stats: Stats };
let fetchMock: ReturnType<typeof vi.fn>;
let answer: () => Response;
const patches: { path: string; body: unknown }[] = [];
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
  // An owner who has done every step (the share step is this browser's record).
  world = { agents: [agent()], completed: [doc([AGENT_ID])], stats: STATS };
  localStorage.setItem(`nooble.shared-link.u`, JSON.stringify({ how: "copied" }));
  patches.length = 0;
  answer = () => Response.json(world.stats);
  fetchMock = vi.fn(async (path: string, init?: RequestInit) => {
    if (path.startsWith("/api/v1/stats")) return answer();
    if (path.startsWith("/api/v1/agents/") && init?.method === "PATCH") {
      const body = JSON.parse(String(init.body)) as Partial<Agent>;
      patches.push({ path, body });
      world.agents = world.agents.map((a) => (a.id === AGENT_ID ? { ...a, ...body } : a));
      return Response.json(world.agents[0]);
    }
    if (path.startsWith("/api/v1/agents"))
      return Response.json({
        agents: world.agents,
        total: world.agents.length,
        limit: 100,
        offset: 0,
      });
    if (path.startsWith("/api/v1/documents"))
      return Response.json({
        documents: world.completed,
        total: world.completed.length,
        limit: 100,
        offset: 0,
      });
    if (path.startsWith("/api/v1/profile")) return Response.json(PROFILE);
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
    // Every step done: once everything has loaded, no checklist.
    await waitFor(() =>
      expect(document.querySelector('section[aria-busy="false"].owner-page')).not.toBeNull(),
    );
    expect(screen.queryByRole("region", { name: "Get your first agent answering" })).toBeNull();
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

describe("OverviewPage: the first-run checklist", () => {
  const checklist = () => screen.findByRole("region", { name: "Get your first agent answering" });
  const steps = (region: HTMLElement) =>
    within(region)
      .getAllByRole("listitem")
      .map((li) => li.querySelector("h3")?.textContent);

  it("leads a new owner's page, with one action, instead of zero tiles and an empty chart", async () => {
    world = { agents: [], completed: [], stats: EMPTY_STATS };
    localStorage.removeItem("nooble.shared-link.u");
    renderPage();
    const region = await checklist();
    expect(within(region).getByText("0 of 5 done")).toBeTruthy();
    expect(steps(region)).toEqual([
      "Create an agent (to do)",
      "Add knowledge it answers from (to do)",
      "Try it in the test chat (to do)",
      "Publish it on your page (to do)",
      "Share your page's link (to do)",
    ]);
    const current = region.querySelector('[aria-current="step"]');
    if (!(current instanceof HTMLElement)) throw new Error("no current step");
    expect(
      within(current).getByRole("link", { name: "Create an agent" }).getAttribute("href"),
    ).toBe("/dashboard/agents/new");
    // Only the current step has an action.
    expect(within(region).getAllByRole("link")).toHaveLength(1);
    // The checklist comes before the tiles; no token card and no empty chart card.
    const tiles = tile("Agents");
    if (!tiles) throw new Error("no tiles");
    expect(region.compareDocumentPosition(tiles) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Token usage" })).toBeNull();
    expect(screen.queryByRole("img", { name: /Conversations per day/ })).toBeNull();
    expect(screen.queryByRole("heading", { name: /Conversations per day/ })).toBeNull();
  });

  it("does not count a completed document that no agent uses, and says so", async () => {
    world = {
      agents: [agent({ is_public: false })],
      completed: [doc([])],
      stats: EMPTY_STATS,
    };
    localStorage.removeItem("nooble.shared-link.u");
    renderPage();
    const region = await checklist();
    expect(within(region).getByText("1 of 5 done")).toBeTruthy();
    expect(steps(region)[1]).toBe("Add knowledge it answers from (to do)");
    expect(
      within(region)
        .getByRole("link", { name: "Add a document to Front desk" })
        .getAttribute("href"),
    ).toBe(`/dashboard/agents/${AGENT_ID}?tab=knowledge`);
    expect(region.textContent).toContain("1 document is ready but used by no agent");
  });

  it("publishes the agent in one click once it has knowledge and a conversation", async () => {
    world = {
      agents: [agent({ is_public: false })],
      completed: [doc([AGENT_ID])],
      stats: STATS,
    };
    localStorage.removeItem("nooble.shared-link.u");
    renderPage();
    const region = await checklist();
    expect(within(region).getByText("3 of 5 done")).toBeTruthy();
    fireEvent.click(within(region).getByRole("button", { name: "Publish Front desk" }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]).toEqual({
      path: `/api/v1/agents/${AGENT_ID}`,
      body: { is_public: true, is_active: true },
    });
    await waitFor(() => expect(within(region).getByText("4 of 5 done")).toBeTruthy());
    // The last step: the page's link, copied from here.
    const link = within(region).getByRole("textbox", {
      name: "Your public page",
    }) as HTMLInputElement;
    expect(link.value).toBe(`${location.origin}/rosa`);
    fireEvent.click(within(region).getByRole("button", { name: "Copy link" }));
    await waitFor(() =>
      expect(screen.queryByRole("region", { name: "Get your first agent answering" })).toBeNull(),
    );
  });
});

describe("OverviewPage: after the first run", () => {
  it("says so with one action when the last 30 days had no conversation", async () => {
    world = {
      agents: [agent()],
      completed: [doc([AGENT_ID])],
      stats: { ...EMPTY_STATS, totals: { ...EMPTY_STATS.totals, agents: 1, conversations: 4 } },
    };
    renderPage();
    await screen.findByText(/No conversations in the last 30 days/);
    await waitFor(() =>
      expect(screen.getByRole("link", { name: "Open the test chat" }).getAttribute("href")).toBe(
        `/dashboard/agents/${AGENT_ID}`,
      ),
    );
    expect(screen.queryByRole("img", { name: /Conversations per day/ })).toBeNull();
  });
});
