import { describe, expect, it } from "vitest";
import type { Agent } from "../../../../shared/api/agents.ts";
import { api, createAgent, expectError, fieldPaths, listAgents, signIn } from "../../helpers.ts";

const duplicate = (token: string, id: string, json?: unknown) =>
  api(`/api/v1/agents/${id}/duplicate`, {
    method: "POST",
    token,
    ...(json === undefined ? {} : { json }),
  });

describe("POST /api/v1/agents/{id}/duplicate", () => {
  it('copies settings under the name "<name> (copy)", then "(copy 2)", as a private agent', async () => {
    const { token } = await signIn();
    const source = await createAgent(token, {
      name: "Guide",
      template_id: "educator",
      is_public: true,
      system_prompt_override: "Teach.",
      query_config: { top_k: 11 },
    });

    const res = await duplicate(token, source.id, {});
    expect(res.status).toBe(201);
    const copy = (await res.json()) as Agent;
    expect(copy.id).not.toBe(source.id);
    expect(copy).toMatchObject({
      name: "Guide (copy)",
      is_public: false,
      template_id: "educator",
      system_prompt_override: "Teach.",
      execution_config: source.execution_config,
      query_config: source.query_config,
      rag_config: source.rag_config,
    });
    const second = (await (await duplicate(token, source.id, {})).json()) as Agent;
    expect(second.name).toBe("Guide (copy 2)");
    expect((await listAgents(token)).total).toBe(3);
  });

  it("works without a body", async () => {
    const { token } = await signIn();
    const source = await createAgent(token, { name: "Bodyless" });
    const res = await duplicate(token, source.id);
    expect(res.status).toBe(201);
    expect(((await res.json()) as Agent).name).toBe("Bodyless (copy)");
  });

  it("uses an explicit free name", async () => {
    const { token } = await signIn();
    const source = await createAgent(token, { name: "Original" });
    const copy = (await (
      await duplicate(token, source.id, { name: "Renamed copy" })
    ).json()) as Agent;
    expect(copy.name).toBe("Renamed copy");
  });

  it("refuses an explicit name already in use with 409 AGENT_NAME_TAKEN and creates nothing", async () => {
    const { token } = await signIn();
    const source = await createAgent(token, { name: "Source" });
    await createAgent(token, { name: "Taken" });
    const error = await expectError(
      await duplicate(token, source.id, { name: "Taken" }),
      409,
      "AGENT_NAME_TAKEN",
    );
    expect(fieldPaths(error)).toEqual(["name"]);
    expect((await listAgents(token)).total).toBe(2);
  });

  it("refuses unknown body fields", async () => {
    const { token } = await signIn();
    const source = await createAgent(token);
    const error = await expectError(
      await duplicate(token, source.id, { is_public: true }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain("is_public");
  });

  it("answers 404 AGENT_NOT_FOUND for an unknown id", async () => {
    const { token } = await signIn();
    await expectError(await duplicate(token, crypto.randomUUID(), {}), 404, "AGENT_NOT_FOUND");
  });
});
