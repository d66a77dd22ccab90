import { describe, expect, it } from "vitest";
import type { Agent } from "../../../../shared/api/agents.ts";
import { AgentSchema } from "../../../../shared/api/agents.ts";
import { api, createAgent, expectError, fieldPaths, listAgents, signIn } from "../../helpers.ts";

const agentUrl = (id: string) => `/api/v1/agents/${id}`;

describe("/api/v1/agents", () => {
  it("creates a custom agent with the shared default configs", async () => {
    const owner = await signIn();
    const res = await api("/api/v1/agents", {
      method: "POST",
      token: owner.token,
      json: {
        name: "Helper",
        description: "Helps",
        icon: "bot",
        system_prompt_override: "Be brief.",
      },
    });
    expect(res.status).toBe(201);
    const agent = AgentSchema.parse(await res.json());
    expect(agent).toMatchObject({
      owner_id: owner.userId,
      template_id: null,
      name: "Helper",
      description: "Helps",
      icon: "bot",
      system_prompt_override: "Be brief.",
      is_active: true,
      is_public: false,
    });
    expect(agent.execution_config).toEqual({
      mode: "simple",
      model: "extractive",
      temperature: 0.7,
      max_tokens: 2048,
      top_p: 1,
      history_window: 10,
      max_iterations: 5,
      tools: {
        knowledge_search: { enabled: true },
        fetch_page: { enabled: false, allowed_domains: [] },
        calculator: { enabled: true },
        current_datetime: { enabled: true },
        capture_contact: { enabled: false },
      },
    });
    expect(agent.query_config).toEqual({
      mode: "rag",
      search_mode: "hybrid",
      top_k: 5,
      similarity_threshold: 0.15,
    });
    expect(agent.rag_config).toEqual({
      chunk_size: 512,
      chunk_overlap: 50,
      embedding_model: "text-embedding-3-small",
      embedding_dimensions: 1536,
    });
  });

  it("reads back an agent by id", async () => {
    const { token } = await signIn();
    const created = await createAgent(token, { name: "Readable", query_config: { top_k: 9 } });
    const res = await api(agentUrl(created.id), { token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(created);
  });

  it("answers 404 AGENT_NOT_FOUND for an unknown or malformed id", async () => {
    const { token } = await signIn();
    await expectError(await api(agentUrl(crypto.randomUUID()), { token }), 404, "AGENT_NOT_FOUND");
    await expectError(await api(agentUrl("not-a-uuid"), { token }), 404, "AGENT_NOT_FOUND");
  });

  it("lists agents newest first with search, paging and the total", async () => {
    const { token } = await signIn();
    for (const name of ["Alpha one", "Beta", "Alpha two"]) await createAgent(token, { name });
    await createAgent(token, { name: "Gamma", description: "knows alpha particles" });

    expect((await listAgents(token)).agents.map((a) => a.name)).toEqual([
      "Gamma",
      "Alpha two",
      "Beta",
      "Alpha one",
    ]);
    const search = await listAgents(token, "&search=ALPHA");
    expect(search.total).toBe(3);
    expect(search.agents.map((a) => a.name)).toEqual(["Gamma", "Alpha two", "Alpha one"]);

    const page = (await (
      await api("/api/v1/agents?limit=2&offset=1", { token })
    ).json()) as Awaited<ReturnType<typeof listAgents>>;
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.agents.map((a) => a.name)).toEqual(["Alpha two", "Beta"]);
    const beyond = (await (await api("/api/v1/agents?offset=10", { token })).json()) as Awaited<
      ReturnType<typeof listAgents>
    >;
    expect(beyond).toMatchObject({ agents: [], total: 4 });
  });

  it("treats % and _ in a search as plain characters", async () => {
    const { token } = await signIn();
    await createAgent(token, { name: "Plain" });
    await createAgent(token, { name: "100% sure" });
    expect((await listAgents(token, "&search=%25")).agents.map((a) => a.name)).toEqual([
      "100% sure",
    ]);
    expect((await listAgents(token, "&search=_")).total).toBe(0);
  });

  it("rejects a page size over 100 naming `limit`", async () => {
    const { token } = await signIn();
    const error = await expectError(
      await api("/api/v1/agents?limit=101", { token }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain("limit");
  });

  it("merges a partial config change into the current settings", async () => {
    const { token } = await signIn();
    const created = await createAgent(token, {
      execution_config: { temperature: 0.3, max_tokens: 100 },
      rag_config: { chunk_size: 1024 },
    });
    const res = await api(agentUrl(created.id), {
      method: "PATCH",
      token,
      json: {
        description: "now described",
        execution_config: { temperature: 1.1 },
        query_config: { top_k: 12 },
      },
    });
    expect(res.status).toBe(200);
    const updated = (await res.json()) as Agent;
    expect(updated).toMatchObject({ name: created.name, description: "now described" });
    expect(updated.execution_config).toEqual({
      ...created.execution_config,
      temperature: 1.1,
      max_tokens: 100,
    });
    expect(updated.query_config).toEqual({ ...created.query_config, top_k: 12 });
    expect(updated.rag_config).toEqual(created.rag_config);
    expect(await (await api(agentUrl(created.id), { token })).json()).toEqual(updated);
  });

  it("switches on advanced mode and one tool's setting without resetting the other tools", async () => {
    const { token } = await signIn();
    const created = await createAgent(token, {
      execution_config: { tools: { capture_contact: { enabled: true } } },
    });
    const res = await api(agentUrl(created.id), {
      method: "PATCH",
      token,
      json: {
        execution_config: {
          mode: "advanced",
          max_iterations: 3,
          tools: {
            fetch_page: { enabled: true, allowed_domains: ["https://Example.com/pricing"] },
          },
        },
      },
    });
    expect(res.status).toBe(200);
    const { execution_config: exec } = (await res.json()) as Agent;
    expect(exec.mode).toBe("advanced");
    expect(exec.max_iterations).toBe(3);
    expect(exec.tools.capture_contact).toEqual({ enabled: true });
    expect(exec.tools.fetch_page).toEqual({ enabled: true, allowed_domains: ["example.com"] });
    expect(exec.tools.knowledge_search).toEqual({ enabled: true });

    const bad = await api(agentUrl(created.id), {
      method: "PATCH",
      token,
      json: { execution_config: { tools: { fetch_page: { allowed_domains: ["not a domain"] } } } },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("domain name");
  });

  it("clears a nullable field when sent null", async () => {
    const { token } = await signIn();
    const created = await createAgent(token, {
      description: "temporary",
      system_prompt_override: "x",
    });
    const updated = (await (
      await api(agentUrl(created.id), {
        method: "PATCH",
        token,
        json: { description: null, system_prompt_override: null },
      })
    ).json()) as Agent;
    expect(updated).toMatchObject({ description: null, system_prompt_override: null });
  });

  it("deletes an agent, after which it answers 404 and leaves the list", async () => {
    const { token } = await signIn();
    const agent = await createAgent(token);
    const res = await api(agentUrl(agent.id), { method: "DELETE", token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: agent.id, deleted: true });
    await expectError(await api(agentUrl(agent.id), { token }), 404, "AGENT_NOT_FOUND");
    await expectError(
      await api(agentUrl(agent.id), { method: "DELETE", token }),
      404,
      "AGENT_NOT_FOUND",
    );
    expect((await listAgents(token)).total).toBe(0);
  });

  it("refuses a second agent with the same name for one owner with 409 AGENT_NAME_TAKEN", async () => {
    const { token } = await signIn();
    await createAgent(token, { name: "Twin" });
    const error = await expectError(
      await api("/api/v1/agents", { method: "POST", token, json: { name: "Twin" } }),
      409,
      "AGENT_NAME_TAKEN",
    );
    expect(fieldPaths(error)).toEqual(["name"]);
    const other = await createAgent(token, { name: "Other" });
    await expectError(
      await api(agentUrl(other.id), { method: "PATCH", token, json: { name: "Twin" } }),
      409,
      "AGENT_NAME_TAKEN",
    );
    expect((await listAgents(token)).agents.map((a) => a.name).sort()).toEqual(["Other", "Twin"]);
  });

  it("lets two owners use the same agent name", async () => {
    const a = await signIn();
    const b = await signIn();
    await createAgent(a.token, { name: "Shared name" });
    expect((await createAgent(b.token, { name: "Shared name" })).owner_id).toBe(b.userId);
  });
});
