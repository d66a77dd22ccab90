import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonClient, startWorker } from "./harness.ts";

let worker: Awaited<ReturnType<typeof startWorker>>;
beforeAll(async () => {
  worker = await startWorker();
});
afterAll(async () => {
  await worker?.server.close();
});

const call = jsonClient(() => worker.url);

describe("an owner's first visit, over real HTTP", () => {
  it("signs in, creates a public agent and finds it on the public profile", async () => {
    const email = `journey-${Date.now()}@example.com`;
    const signIn = await call("/api/v1/dev/sign-in", { method: "POST", json: { email } });
    expect(signIn.status).toBe(200);
    const token: string = signIn.body.access_token;

    const profile = await call("/api/v1/profile", { token });
    expect(profile.status).toBe(200);
    expect(profile.body.email).toBe(email);

    const created = await call("/api/v1/agents", {
      method: "POST",
      token,
      json: { name: "Front desk", template_id: "receptionist", is_public: true },
    });
    expect(created.status).toBe(201);

    const page = await call(`/api/v1/public/profiles/${profile.body.username}`);
    expect(page.status).toBe(200);
    expect(page.body.agents).toEqual([
      expect.objectContaining({ id: created.body.id, name: "Front desk" }),
    ]);
    expect(JSON.stringify(page.body)).not.toContain("system_prompt");
  });

  it("serves the health check, the OpenAPI document and the docs page", async () => {
    expect((await call("/health")).body).toMatchObject({
      status: "ok",
      checks: { postgres: "ok", r2: "ok" },
    });
    const spec = await call("/openapi.json");
    expect(spec.body.paths).toHaveProperty("/api/v1/agents/{id}");
    const docs = await fetch(`${worker.url}/docs`);
    expect(await docs.text()).toContain("swagger-ui");
    const bundle = await fetch(`${worker.url}/vendor/swagger-ui/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
  });
});
