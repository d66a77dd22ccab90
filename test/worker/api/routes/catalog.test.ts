import { describe, expect, it } from "vitest";
import type { AgentTemplate, Model } from "../../../../shared/api/agents.ts";
import { api, createAgent, expectError, fieldPaths, listAgents, signIn } from "../../helpers.ts";

const TEMPLATE_IDS = [
  "receptionist",
  "sales",
  "technical-support",
  "personal-assistant",
  "educator",
];

async function templates(token: string): Promise<AgentTemplate[]> {
  const res = await api("/api/v1/agent-templates", { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { templates: AgentTemplate[] }).templates;
}

describe("agent templates and models", () => {
  it("lists the five personas with their prompts and configs", async () => {
    const { token } = await signIn();
    const list = await templates(token);
    expect(list.map((t) => t.id)).toEqual(TEMPLATE_IDS);
    for (const t of list) expect(t.system_prompt.length).toBeGreaterThan(50);
    // Each template shows a few sample questions in the gallery (migration 0009).
    for (const t of list) {
      expect(t.sample_questions.length).toBeGreaterThanOrEqual(2);
      for (const q of t.sample_questions) expect(q).toMatch(/\?|\.$/);
    }
    expect(list.find((t) => t.id === "receptionist")?.execution_config).toMatchObject({
      temperature: 0.5,
      max_tokens: 1024,
    });
  });

  it.each(TEMPLATE_IDS)(
    "creates an agent from the %s template with its configs, description and icon",
    async (templateId) => {
      const { token } = await signIn();
      const template = (await templates(token)).find((t) => t.id === templateId);
      const agent = await createAgent(token, {
        template_id: templateId,
        name: `From ${templateId}`,
      });
      expect(agent).toMatchObject({
        template_id: templateId,
        description: template?.description,
        icon: template?.icon,
        execution_config: template?.execution_config,
        query_config: template?.query_config,
        rag_config: template?.rag_config,
      });
    },
  );

  it("lets the body override single template settings while keeping the rest", async () => {
    const { token } = await signIn();
    const agent = await createAgent(token, {
      template_id: "receptionist",
      execution_config: { max_tokens: 500 },
      query_config: { top_k: 3 },
      description: "Front desk",
    });
    expect(agent.execution_config).toMatchObject({ temperature: 0.5, max_tokens: 500, top_p: 1 });
    expect(agent.query_config).toMatchObject({ mode: "rag", top_k: 3 });
    expect(agent.description).toBe("Front desk");
  });

  it("refuses an unknown template with 400 TEMPLATE_NOT_FOUND naming `template_id`, creating nothing", async () => {
    const { token } = await signIn();
    const error = await expectError(
      await api("/api/v1/agents", {
        method: "POST",
        token,
        json: { name: "X", template_id: "pirate" },
      }),
      400,
      "TEMPLATE_NOT_FOUND",
    );
    expect(fieldPaths(error)).toEqual(["template_id"]);
    expect((await listAgents(token)).total).toBe(0);
  });

  it("offers only the extractive model when no provider keys are set", async () => {
    const { token } = await signIn();
    const res = await api("/api/v1/models", { token });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { models: Model[] }).models).toEqual([
      { id: "extractive", provider: "extractive", label: expect.any(String) },
    ]);
  });

  it("refuses a model no configured provider offers with 400 MODEL_UNAVAILABLE", async () => {
    const { token } = await signIn();
    const create = await api("/api/v1/agents", {
      method: "POST",
      token,
      json: { name: "GPT", execution_config: { model: "gpt-4o" } },
    });
    const error = await expectError(create, 400, "MODEL_UNAVAILABLE");
    expect(fieldPaths(error)).toEqual(["execution_config.model"]);
    expect(error.message).toContain("extractive");

    const agent = await createAgent(token);
    const patch = await api(`/api/v1/agents/${agent.id}`, {
      method: "PATCH",
      token,
      json: { execution_config: { model: "llama-3.3-70b-versatile" } },
    });
    await expectError(patch, 400, "MODEL_UNAVAILABLE");
    expect((await listAgents(token)).agents.map((a) => a.execution_config.model)).toEqual([
      "extractive",
    ]);
  });

  it("requires a token for templates and models", async () => {
    await expectError(await api("/api/v1/agent-templates"), 401, "UNAUTHENTICATED");
    await expectError(await api("/api/v1/models"), 401, "UNAUTHENTICATED");
  });
});
