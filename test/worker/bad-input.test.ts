import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import { BASE, api, createAgent, expectError, fieldPaths, listAgents, signIn } from "./helpers.ts";

const post = (token: string, body: BodyInit, contentType = "application/json") =>
  api("/api/v1/agents", { method: "POST", token, body, headers: { "content-type": contentType } });
const create = (token: string, json: unknown) =>
  api("/api/v1/agents", { method: "POST", token, json });

describe("bad input to the owner API", () => {
  it.each(['{"name": ', "not json", "{'name': 'single quotes'}", ""])(
    "answers 400 MALFORMED_JSON for the body %j",
    async (body) => {
      const { token } = await signIn();
      const error = await expectError(await post(token, body), 400, "MALFORMED_JSON");
      expect(error.message).toMatch(/JSON/);
    },
  );

  it.each(["text/plain", "application/x-www-form-urlencoded"])(
    "answers 415 UNSUPPORTED_MEDIA_TYPE for a %s body",
    async (contentType) => {
      const { token } = await signIn();
      await expectError(
        await post(token, JSON.stringify({ name: "x" }), contentType),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      );
    },
  );

  it.each([
    [{ name: "x", owner_id: crypto.randomUUID() }, "owner_id"],
    [{ name: "x", execution_config: { bogus: 1 } }, "execution_config.bogus"],
    [{ name: "x", query_config: { rerank: true } }, "query_config.rerank"],
    [{ name: "x", rag_config: { chunker: "smart" } }, "rag_config.chunker"],
  ])("refuses unknown fields in %j naming %s", async (body, field) => {
    const { token } = await signIn();
    const error = await expectError(await create(token, body), 400, "VALIDATION_FAILED");
    expect(fieldPaths(error)).toEqual([field]);
    expect(error.message).toContain(field);
  });

  it.each([
    [{ execution_config: { temperature: 2.5 } }, "execution_config.temperature"],
    [{ execution_config: { temperature: "hot" } }, "execution_config.temperature"],
    [{ execution_config: { max_tokens: 0 } }, "execution_config.max_tokens"],
    [{ execution_config: { max_tokens: 10.5 } }, "execution_config.max_tokens"],
    [{ execution_config: { top_p: -0.1 } }, "execution_config.top_p"],
    [{ query_config: { top_k: 0 } }, "query_config.top_k"],
    [{ query_config: { top_k: 21 } }, "query_config.top_k"],
    [{ query_config: { similarity_threshold: 1.5 } }, "query_config.similarity_threshold"],
    [{ query_config: { mode: "telepathy" } }, "query_config.mode"],
    [{ rag_config: { chunk_size: 256, chunk_overlap: 256 } }, "rag_config.chunk_overlap"],
    [{ rag_config: { chunk_overlap: 600 } }, "rag_config.chunk_overlap"],
    [{ name: "" }, "name"],
    [{ name: "n".repeat(101) }, "name"],
    [{ is_public: "yes" }, "is_public"],
  ])("refuses the out-of-range or mistyped %j naming %s", async (override, field) => {
    const { token } = await signIn();
    const error = await expectError(
      await create(token, { name: "Ranged", ...override }),
      400,
      "VALIDATION_FAILED",
    );
    expect(fieldPaths(error)).toContain(field);
    expect(error.message).toContain(field);
  });

  it("checks a config change against the agent's current settings, naming the field", async () => {
    const { token } = await signIn();
    const agent = await createAgent(token, { rag_config: { chunk_size: 256, chunk_overlap: 10 } });
    const res = await api(`/api/v1/agents/${agent.id}`, {
      method: "PATCH",
      token,
      json: { name: "Renamed", rag_config: { chunk_overlap: 300 } },
    });
    const error = await expectError(res, 400, "VALIDATION_FAILED");
    expect(fieldPaths(error)).toEqual(["rag_config.chunk_overlap"]);
    expect(await (await api(`/api/v1/agents/${agent.id}`, { token })).json()).toEqual(agent);
  });

  it("answers 413 PAYLOAD_TOO_LARGE for a body over 256 KB", async () => {
    const { token } = await signIn();
    const body = JSON.stringify({ name: "Big", system_prompt_override: "x".repeat(300 * 1024) });
    const error = await expectError(await post(token, body), 413, "PAYLOAD_TOO_LARGE");
    expect(error.message).toMatch(/256 KB/);
  });

  it("answers 413 for an oversized body sent without a content length", async () => {
    const { token } = await signIn();
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0)
          controller.enqueue(new TextEncoder().encode('{"name":"Big","description":"'));
        else if (sent < 7) controller.enqueue(chunk);
        else controller.close();
      },
    });
    await expectError(await post(token, stream), 413, "PAYLOAD_TOO_LARGE");
  });

  it("writes nothing when a create fails, whatever the reason", async () => {
    const { token } = await signIn();
    await createAgent(token, { name: "Keeper" });
    const before = await listAgents(token);
    const failures: [BodyInit, number, ErrorCode][] = [
      ["{", 400, "MALFORMED_JSON"],
      [JSON.stringify({ name: "Half", query_config: { top_k: 99 } }), 400, "VALIDATION_FAILED"],
      [JSON.stringify({ name: "Half", template_id: "nope" }), 400, "TEMPLATE_NOT_FOUND"],
      [
        JSON.stringify({ name: "Half", execution_config: { model: "gpt-5" } }),
        400,
        "MODEL_UNAVAILABLE",
      ],
      [JSON.stringify({ name: "Keeper" }), 409, "AGENT_NAME_TAKEN"],
    ];
    for (const [body, status, code] of failures)
      await expectError(await post(token, body), status, code);
    expect(await listAgents(token)).toEqual(before);
  });

  it("answers a database failure with 500 INTERNAL_ERROR, the request id and no internals", async () => {
    const { token } = await signIn();
    const brokenDb = {
      ...env,
      HYPERDRIVE: {
        ...env.HYPERDRIVE,
        connectionString: "postgres://nobody:secret-pw@127.0.0.1:1/missing",
      },
    };
    const request = new Request(`${BASE}/api/v1/agents`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const ctx = createExecutionContext();
    const res = await app.fetch(request, brokenDb, ctx);
    await waitOnExecutionContext(ctx);
    const error = await expectError(res, 500, "INTERNAL_ERROR");
    expect(error.request_id).toBe(res.headers.get("x-request-id"));
    expect(JSON.stringify(error)).not.toMatch(/secret-pw|127\.0\.0\.1|ECONNREFUSED|postgres/i);
  });
});
