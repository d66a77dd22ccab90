/**
 * The tenant-isolation probe, generated from the app's route table: every id-bearing route
 * under /api/v1 and every verb is called with tenant A's id by tenant B (404) and by an
 * anonymous caller (401), and by A (served). A new `:id` resource fails here until it gets a
 * fixture below, and any other parameterised route until it is exempted with a reason, so
 * nothing ships unprobed by accident.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../../workers/api/app.ts";
import { seedConversation } from "./conversations/helpers.ts";
import { api, createAgent, listAgents, signIn } from "./helpers.ts";
import { MCP_URL, testMcpServer } from "./agent/mcp-test-server.ts";

const ID_PARAMS = /:id\b/g;

/** Every parameterised /api/v1 method + path once (middleware shows up as method ALL). */
const parameterised = [
  ...new Map(
    app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/v1/") && r.path.includes("/:"))
      .map((r) => [`${r.method} ${r.path}`, { method: r.method, path: r.path }]),
  ).values(),
];
/** The owner-resource routes: their `:id` names something a tenant owns. */
const probes = parameterised.filter((r) => /:id\b/.test(r.path));

/** Parameterised routes whose parameter is not an owner's resource id, and why. */
const EXEMPT: Record<string, string> = {
  "/api/v1/public/profiles/:username":
    "public by design; api/routes/public.test.ts checks what it reveals",
  "/api/v1/chat/:session_id":
    "a visitor chat session, authorised by its own session token rather than an owner token",
};

interface Fixture {
  /** Makes something the route's id can name, owned by `token`'s tenant (and what `:server_id` names). */
  create: (token: string) => Promise<{ id: string; serverId?: string }>;
  /** Reads it back as its owner sees it, to prove another tenant's calls changed nothing. */
  read: (token: string, id: string) => Promise<unknown>;
}

const fixtures: Record<string, Fixture> = {
  // Before "/api/v1/agents/": the first prefix that matches is used. The Worker's fetch reaches
  // a real MCP server (agent/mcp-test-server.ts) until the test ends.
  "/api/v1/agents/:id/mcp-servers": {
    create: async (token) => {
      const server = testMcpServer();
      vi.spyOn(globalThis, "fetch").mockImplementation((i, init) => server.network(i, init));
      const agent = await createAgent(token, { name: `Owned ${crypto.randomUUID().slice(0, 8)}` });
      const res = await api(`/api/v1/agents/${agent.id}/mcp-servers`, {
        method: "POST",
        token,
        json: bodyFor("/mcp-servers"),
      });
      if (res.status !== 201) throw new Error(`attach failed: ${res.status} ${await res.text()}`);
      return { id: agent.id, serverId: ((await res.json()) as { id: string }).id };
    },
    read: async (token, id) => {
      const res = await api(`/api/v1/agents/${id}/mcp-servers`, { token });
      return { status: res.status, body: await res.json() };
    },
  },
  "/api/v1/agents/": {
    create: (token) =>
      createAgent(token, { name: `Owned ${crypto.randomUUID().slice(0, 8)}`, is_public: true }),
    read: async (token, id) => {
      const res = await api(`/api/v1/agents/${id}`, { token });
      return { status: res.status, body: await res.json() };
    },
  },
  "/api/v1/documents/": {
    create: async (token) => ({ id: (await ingestText(token)).document_id }),
    // Processing moves on by itself; what another tenant must not change is the document's identity and agents.
    read: async (token, id) => {
      const res = await api(`/api/v1/documents/${id}`, { token });
      const body = (await res.json()) as { name?: string; agent_ids?: string[] };
      return { status: res.status, name: body.name, agent_ids: body.agent_ids };
    },
  },
  "/api/v1/ingest/": {
    create: async (token) => ({ id: (await ingestText(token)).job_id }),
    read: async (token, id) => {
      const res = await api(`/api/v1/ingest/${id}/status`, { token });
      const body = (await res.json()) as { document_id?: string; job_id?: string };
      return { status: res.status, document_id: body.document_id, job_id: body.job_id };
    },
  },
  "/api/v1/conversations/": {
    create: (token) => seedConversation(token),
    read: async (token, id) => {
      const res = await api(`/api/v1/conversations/${id}`, { token });
      return { status: res.status, body: await res.json() };
    },
  },
};

async function ingestText(token: string): Promise<{ document_id: string; job_id: string }> {
  const res = await api("/api/v1/ingest", {
    method: "POST",
    token,
    json: { document_name: "Owned notes", content: "Opening hours are nine to five on weekdays." },
  });
  if (res.status !== 202) throw new Error(`ingest failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { document_id: string; job_id: string };
}

/** A valid body per route, so the owner's call is served and other callers are refused on identity alone. */
function bodyFor(path: string): unknown {
  if (path.endsWith("/search")) return { query: "opening hours" };
  if (path.endsWith("/documents/:id/agents")) return { agent_ids: [], operation: "set" };
  if (path.endsWith("/mcp-servers"))
    return { url: `${MCP_URL}?probe=${crypto.randomUUID()}`, token: "t0ken" };
  return { name: `Hijacked ${crypto.randomUUID().slice(0, 8)}` };
}

function fixtureFor(path: string): Fixture {
  const found = Object.entries(fixtures).find(([prefix]) => path.startsWith(prefix));
  if (!found)
    throw new Error(
      `no tenant-isolation fixture for ${path}: add one in test/worker/tenant-isolation.test.ts`,
    );
  return found[1];
}

afterEach(() => {
  vi.restoreAllMocks();
});

const call = (
  method: string,
  path: string,
  owned: { id: string; serverId?: string },
  token?: string,
) =>
  api(path.replace(ID_PARAMS, owned.id).replace(":server_id", owned.serverId ?? ":server_id"), {
    method,
    ...(token ? { token } : {}),
    ...(["POST", "PUT", "PATCH"].includes(method) ? { json: bodyFor(path) } : {}),
  });

describe(`tenant isolation over ${probes.length} id-bearing route/verb pairs (${probes.length * 3} probes)`, () => {
  it("leaves no parameterised route unprobed unless it is exempt for a stated reason", () => {
    const unaccounted = parameterised
      .filter(
        (r) =>
          !probes.includes(r) && !Object.keys(EXEMPT).some((prefix) => r.path.startsWith(prefix)),
      )
      .map((r) => `${r.method} ${r.path}`);
    expect(unaccounted).toEqual([]);
  });

  it("generates the probe list from the route table, including every agent route", () => {
    const names = probes.map((p) => `${p.method} ${p.path}`);
    console.log(`tenant isolation: ${names.length * 3} probes over`, names);
    expect(names).toEqual(
      expect.arrayContaining([
        "GET /api/v1/agents/:id",
        "PATCH /api/v1/agents/:id",
        "DELETE /api/v1/agents/:id",
        "POST /api/v1/agents/:id/duplicate",
        "POST /api/v1/agents/:id/mcp-servers",
        "PATCH /api/v1/agents/:id/mcp-servers/:server_id",
        "POST /api/v1/agents/:id/mcp-servers/:server_id/refresh",
      ]),
    );
  });

  it.each(probes.map((p) => [p.method, p.path]))(
    "%s %s answers 404 to another tenant and 401 to an anonymous caller, changing nothing",
    async (method, path) => {
      const fixture = fixtureFor(path);
      const a = await signIn();
      const b = await signIn();
      const owned = await fixture.create(a.token);
      const { id } = owned;
      const before = await fixture.read(a.token, id);

      const leaks: string[] = [];
      const asB = await call(method, path, owned, b.token);
      if (asB.status !== 404) leaks.push(`tenant B got ${asB.status}: ${await asB.text()}`);
      const asAnonymous = await call(method, path, owned);
      if (asAnonymous.status !== 401)
        leaks.push(`anonymous caller got ${asAnonymous.status}: ${await asAnonymous.text()}`);
      expect(leaks).toEqual([]);

      expect(await fixture.read(a.token, id)).toEqual(before);
      expect((await listAgents(b.token)).total).toBe(0);
    },
  );

  it.each(probes.map((p) => [p.method, p.path]))(
    "%s %s serves the owning tenant",
    async (method, path) => {
      const a = await signIn();
      const owned = await fixtureFor(path).create(a.token);
      const res = await call(method, path, owned, a.token);
      expect(res.status, await res.clone().text()).toBeLessThan(300);
    },
  );

  it("never lists another tenant's agents, even when names match a search", async () => {
    const a = await signIn();
    const b = await signIn();
    const mine = [
      await createAgent(a.token, { name: "Same name" }),
      await createAgent(a.token, { name: "Same public", is_public: true }),
    ];
    const theirs = await createAgent(b.token, { name: "Same name" });
    for (const query of ["", "&search=Same"]) {
      const seenByB = await listAgents(b.token, query);
      expect(seenByB.total).toBe(1);
      expect(seenByB.agents.map((x) => x.id)).toEqual([theirs.id]);
    }
    expect((await listAgents(a.token)).agents.map((x) => x.id).sort()).toEqual(
      mine.map((x) => x.id).sort(),
    );
  });
});
