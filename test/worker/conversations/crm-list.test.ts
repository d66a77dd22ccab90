/** GET /api/v1/conversations: newest first, filtered by agent, state and start date, paged, with totals. */
import { describe, expect, it } from "vitest";
import { ConversationListSchema } from "../../../shared/api/conversations.ts";
import { createAgent, expectError, fieldPaths } from "../helpers.ts";
import { chatSession, crm, deliver, ownerWithAgent } from "./helpers.ts";

const list = async (token: string, query = "") => {
  const res = await crm(query ? `?${query}` : "", token);
  expect(res.status, await res.clone().text()).toBe(200);
  return ConversationListSchema.parse(await res.json());
};

/** Three conversations on two agents, started on March 1, 2 and 3; the middle one ended. */
async function seed() {
  const owner = await ownerWithAgent();
  const second = await createAgent(owner.token, { name: "Second agent" });
  const day = (d: number) => new Date(`2026-03-0${d}T12:00:00.000Z`);
  const first = await chatSession(owner.userId, owner.agent.id, { startedAt: day(1) });
  const middle = await chatSession(owner.userId, second.id, { startedAt: day(2) });
  const last = await chatSession(owner.userId, owner.agent.id, { startedAt: day(3) });
  const long = `What   are\nyour opening hours? ${"x".repeat(200)}`;
  await deliver([
    first.create(first.messages({ content: long }, { content: "9 to 5" })),
    middle.create(
      middle.messages(
        { role: "system", content: "greeting" },
        { role: "user", content: "Second question" },
      ),
    ),
    middle.end(new Date("2026-03-02T12:10:00.000Z")),
    last.create(last.messages({ content: "Third" })),
  ]);
  return {
    owner,
    second,
    ids: { first: first.conversationId, middle: middle.conversationId, last: last.conversationId },
  };
}

describe("GET /api/v1/conversations", () => {
  it("lists conversations newest first with agent names, counts and a one-line preview of the first visitor message", async () => {
    const { owner, second, ids } = await seed();
    const page = await list(owner.token);
    expect(page).toMatchObject({ total: 3, limit: 20, offset: 0 });
    expect(page.conversations.map((c) => c.id)).toEqual([ids.last, ids.middle, ids.first]);
    const [, middle, first] = page.conversations;
    expect(middle).toMatchObject({
      agent_id: second.id,
      agent_name: "Second agent",
      is_active: false,
      message_count: 2,
      preview: "Second question",
      duration_ms: 600_000,
    });
    expect(first?.preview).toHaveLength(140);
    expect(first?.preview).toMatch(/^What are your opening hours\? x+…$/);
  });

  it("filters by agent, by active state and by a date range on the start, keeping totals right", async () => {
    const { owner, second, ids } = await seed();
    expect(
      (await list(owner.token, `agent_id=${second.id}`)).conversations.map((c) => c.id),
    ).toEqual([ids.middle]);
    expect((await list(owner.token, "is_active=true")).conversations.map((c) => c.id)).toEqual([
      ids.last,
      ids.first,
    ]);
    expect((await list(owner.token, "is_active=false")).total).toBe(1);
    expect(
      (await list(owner.token, "from=2026-03-02&to=2026-03-02")).conversations.map((c) => c.id),
    ).toEqual([ids.middle]);
    expect((await list(owner.token, "from=2026-03-01T13:00:00Z")).total).toBe(2);
    expect(
      (
        await list(owner.token, `to=2026-03-02T11:59:59.999Z&agent_id=${owner.agent.id}`)
      ).conversations.map((c) => c.id),
    ).toEqual([ids.first]);
  });

  it("pages with limit and offset and reports the full total, also past the end", async () => {
    const { owner, ids } = await seed();
    const page = await list(owner.token, "limit=2&offset=1");
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect(page.conversations.map((c) => c.id)).toEqual([ids.middle, ids.first]);
    expect(await list(owner.token, "offset=10")).toMatchObject({ conversations: [], total: 3 });
  });

  it("rejects a page size over 100, an unknown state and a reversed date range, naming the field", async () => {
    const owner = await ownerWithAgent();
    expect(
      fieldPaths(await expectError(await crm("?limit=101", owner.token), 400, "VALIDATION_FAILED")),
    ).toEqual(["limit"]);
    expect(
      fieldPaths(
        await expectError(await crm("?is_active=yes", owner.token), 400, "VALIDATION_FAILED"),
      ),
    ).toEqual(["is_active"]);
    expect(
      fieldPaths(
        await expectError(await crm("?agent_id=nope", owner.token), 400, "VALIDATION_FAILED"),
      ),
    ).toEqual(["agent_id"]);
    expect(
      fieldPaths(
        await expectError(
          await crm("?from=2026-03-05&to=2026-03-01", owner.token),
          400,
          "VALIDATION_FAILED",
        ),
      ),
    ).toEqual(["from"]);
  });

  it("asks for a token", async () => {
    await expectError(await crm(""), 401, "UNAUTHENTICATED");
  });
});
