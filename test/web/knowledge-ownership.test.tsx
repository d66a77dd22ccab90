/**
 * Knowledge belongs to an agent by default: new uploads start assigned to the agent (the only
 * one, the remembered choice, or the latest worked on; fixed on an agent's own Knowledge tab),
 * and a document no agent uses carries a "No agent" warning with a one-click fix. The API is a
 * stubbed fetch; the components are the real ones.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import type { Agent } from "../../shared/api/agents.ts";
import type { DocumentView } from "../../shared/api/documents.ts";
import {
  defaultExecutionConfig,
  defaultQueryConfig,
  defaultRAGConfig,
} from "../../shared/config.ts";
import { DocumentTable } from "../../web/src/owner/components/DocumentTable.tsx";
import { UploadPanel } from "../../web/src/owner/components/UploadPanel.tsx";
import { createIngestTracker } from "../../web/src/owner/components/ingest-tracker.ts";

// Signed in before the app's modules load (lib/auth.ts reads the session once, at import).
vi.hoisted(() => {
  localStorage.setItem(
    "nooble.dev-session",
    JSON.stringify({
      token: "owner-token",
      expiresAt: Date.now() + 3_600_000,
      user: { id: "owner-1", email: "o@example.com" },
    }),
  );
});

const OWNER = "0b7c8f0e-2a53-4c8e-9d43-7f1d2b0c6a11";
const A = "5d0e3b1a-8f7c-4e2d-9a6b-1c3f5e7d9b20";
const B = "6e1f4c2b-9a8d-4f3e-8b7c-2d4a6f8e0c31";
const DOC_ID = "7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const JOB = "8b2f3c4d-5e6f-4a71-9b8c-0d1e2f3a4b5c";

function agent(id: string, name: string, updated: string): Agent {
  return {
    id,
    owner_id: OWNER,
    template_id: null,
    name,
    description: null,
    icon: "bot",
    system_prompt_override: null,
    execution_config: defaultExecutionConfig(),
    query_config: defaultQueryConfig(),
    rag_config: defaultRAGConfig(),
    is_active: true,
    is_public: false,
    created_at: "2026-03-01T00:00:00Z",
    updated_at: updated,
  };
}
const DESK = agent(A, "Front desk", "2026-03-01T00:00:00Z");
const SALES = agent(B, "Sales", "2026-03-05T00:00:00Z");

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
    chunking: { chunk_size: 512, chunk_overlap: 50, source: "default" },
    created_at: "2026-03-01T00:00:00Z",
    updated_at: "2026-03-01T00:00:00Z",
  };
}

let stored: DocumentView;
const requests: { path: string; method: string; body: unknown }[] = [];

beforeEach(() => {
  stored = doc([]);
  requests.length = 0;
  localStorage.removeItem("nooble.upload-agents.owner-1");
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string, init?: RequestInit) => {
      const method = init?.method ?? "GET";
      const body: unknown = init?.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ path, method, body });
      if (path === "/api/v1/ingest" && method === "POST")
        return Response.json(
          {
            job_id: JOB,
            document_id: DOC_ID,
            status: "pending",
            websocket_url: `ws://localhost/api/v1/ingest/${JOB}/ws`,
          },
          { status: 202 },
        );
      if (path.endsWith("/agents") && method === "PUT") {
        stored = { ...stored, agent_ids: (body as { agent_ids: string[] }).agent_ids };
        return Response.json(stored);
      }
      if (path.startsWith("/api/v1/documents"))
        return Response.json({ documents: [stored], total: 1, limit: 25, offset: 0 });
      return Response.json({ error: { code: "ROUTE_NOT_FOUND", message: "no" } }, { status: 404 });
    }),
  );
  vi.stubGlobal(
    "WebSocket",
    class {
      addEventListener() {}
      close() {}
    },
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderPanel(agents: Agent[], fixedAgent?: Agent) {
  const Panel = () => {
    const tracker = createIngestTracker({ onSettled: () => undefined });
    return (
      <UploadPanel
        agents={agents}
        tracker={tracker}
        onAccepted={() => undefined}
        {...(fixedAgent ? { fixedAgent } : {})}
      />
    );
  };
  // In a route, as the dashboard mounts it, so its links resolve.
  render(() => (
    <MemoryRouter>
      <Route path="/" component={Panel} />
    </MemoryRouter>
  ));
}
const box = (name: string) =>
  within(screen.getByRole("group", { name: "Assign new documents to" })).getByLabelText(
    name,
  ) as HTMLInputElement;
async function addUrl() {
  fireEvent.input(screen.getByLabelText("Web page URL"), {
    target: { value: "https://example.com/faq" },
  });
  fireEvent.submit(screen.getByRole("form", { name: "Add a web page" }));
  await waitFor(() => expect(requests.some((r) => r.path === "/api/v1/ingest")).toBe(true));
  return requests.find((r) => r.path === "/api/v1/ingest")?.body as { agent_ids: string[] };
}

describe("new knowledge goes to an agent by default", () => {
  it("preselects the only agent, and what is added goes to it", async () => {
    renderPanel([DESK]);
    expect(box("Front desk").checked).toBe(true);
    expect((await addUrl()).agent_ids).toEqual([A]);
  });

  it("preselects the agent last worked on, and remembers the owner's choice per owner", async () => {
    renderPanel([DESK, SALES]);
    expect(box("Sales").checked).toBe(true);
    expect(box("Front desk").checked).toBe(false);
    fireEvent.click(box("Front desk"));
    cleanup();

    renderPanel([DESK, SALES]);
    expect(box("Front desk").checked).toBe(true);
    expect(box("Sales").checked).toBe(true);
    expect(JSON.parse(localStorage.getItem("nooble.upload-agents.owner-1") ?? "[]")).toEqual([
      B,
      A,
    ]);
    expect((await addUrl()).agent_ids).toEqual([B, A]);
  });

  it("says plainly when the owner chose no agent", () => {
    renderPanel([DESK]);
    expect(screen.queryByText(/will not be used by any agent/)).toBeNull();
    fireEvent.click(box("Front desk"));
    expect(screen.getByText(/will not be used by any agent/)).toBeTruthy();
  });

  it("with no agent yet, leads to creating one", () => {
    renderPanel([]);
    expect(screen.getByRole("link", { name: "Create an agent" }).getAttribute("href")).toBe(
      "/dashboard/agents/new",
    );
  });

  it("on an agent's Knowledge tab, everything goes to that agent with no choice to make", async () => {
    renderPanel([DESK, SALES], DESK);
    expect(screen.queryByRole("group", { name: "Assign new documents to" })).toBeNull();
    expect(screen.getByText(/Everything you add here is used by/).textContent).toContain(
      "Front desk",
    );
    expect((await addUrl()).agent_ids).toEqual([A]);
  });
});

describe("a document no agent uses", () => {
  const renderTable = (agents: Agent[]) =>
    render(() => <DocumentTable agents={agents} version={0} onReindexed={() => undefined} />);

  it("carries a warning with a one-click fix when there is one agent", async () => {
    renderTable([DESK]);
    const row = await screen.findByRole("row", { name: /menu\.pdf/ });
    expect(within(row).getByText("No agent")).toBeTruthy();
    fireEvent.click(within(row).getByRole("button", { name: "Assign to Front desk: menu.pdf" }));
    // The row is drawn again from the server's answer.
    const fixed = () => screen.getByRole("row", { name: /menu\.pdf/ });
    await waitFor(() => expect(within(fixed()).queryByText("No agent")).toBeNull());
    expect(requests.find((r) => r.method === "PUT")).toEqual({
      path: `/api/v1/documents/${DOC_ID}/agents`,
      method: "PUT",
      body: { agent_ids: [A], operation: "set" },
    });
    expect(within(fixed()).getByText("Front desk")).toBeTruthy();
  });

  it("opens the assign dialog when there are several agents", async () => {
    renderTable([DESK, SALES]);
    const row = await screen.findByRole("row", { name: /menu\.pdf/ });
    expect(within(row).getByText("No agent")).toBeTruthy();
    fireEvent.click(within(row).getByRole("button", { name: "Choose agents for menu.pdf" }));
    expect(await screen.findByRole("heading", { name: "Agents for “menu.pdf”" })).toBeTruthy();
  });

  it("shows no warning for a document an agent uses", async () => {
    stored = doc([A]);
    renderTable([DESK]);
    const row = await screen.findByRole("row", { name: /menu\.pdf/ });
    expect(within(row).queryByText("No agent")).toBeNull();
  });
});
