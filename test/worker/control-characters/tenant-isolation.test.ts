/**
 * Control characters do not change what another tenant's id answers: routes that check
 * ownership before the body still answer 404, and a refused field answers the same 400 for
 * another tenant's id as for an id that names nothing, so it reveals nothing either.
 */
import { describe, expect, it } from "vitest";
import { api, createAgent, expectError, signIn } from "../helpers.ts";
import { holdPipelineQueues, ingestText } from "../ingestion/pipeline.ts";

holdPipelineQueues();

describe("control characters and another tenant's ids", () => {
  it("answer 404 where ownership is checked first, and the same 400 as for an unknown id where the body is", async () => {
    const a = await signIn();
    const b = await signIn();
    const agent = await createAgent(a.token, { description: "Owned by A" });
    const { document_id } = await ingestText(a.token, "Volcanoes erupt.");

    await expectError(
      await api(`/api/v1/agents/${agent.id}/search`, {
        method: "POST",
        token: b.token,
        json: { query: "\u0000" },
      }),
      404,
      "AGENT_NOT_FOUND",
    );
    await expectError(
      await api(`/api/v1/documents/${document_id}/agents`, {
        method: "PUT",
        token: b.token,
        json: { agent_ids: ["x\u0000"] },
      }),
      404,
      "DOCUMENT_NOT_FOUND",
    );
    // Free text is cleaned, not refused: the request reaches the lookup, which finds nothing of B's.
    await expectError(
      await api(`/api/v1/agents/${agent.id}`, {
        method: "PATCH",
        token: b.token,
        json: { description: "a\u0000b" },
      }),
      404,
      "AGENT_NOT_FOUND",
    );

    const refusal = async (id: string) => {
      const error = await expectError(
        await api(`/api/v1/agents/${id}`, {
          method: "PATCH",
          token: b.token,
          json: { name: "a\u0000b" },
        }),
        400,
        "VALIDATION_FAILED",
      );
      return { message: error.message, fields: error.fields };
    };
    expect(await refusal(agent.id)).toEqual(await refusal(crypto.randomUUID()));

    const mine = await api(`/api/v1/agents/${agent.id}`, { token: a.token });
    expect(await mine.json()).toMatchObject({ name: agent.name, description: "Owned by A" });
  });
});
