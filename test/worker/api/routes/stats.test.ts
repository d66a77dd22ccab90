/** GET /api/v1/stats: the owner's totals and per-day usage, aggregated for the verified tenant only. */
import { describe, expect, it } from "vitest";
import { StatsSchema } from "../../../../shared/api/stats.ts";
import type { StatsDay } from "../../../../shared/api/stats.ts";
import type { Usage } from "../../../../shared/conversation.ts";
import { chatSession, deliver } from "../../conversations/helpers.ts";
import { holdPipelineQueues, ingestText } from "../../ingestion/pipeline.ts";
import { api, createAgent, expectError, fieldPaths, signIn } from "../../helpers.ts";

// Documents only need their rows here; the pipeline's queues record instead of running.
holdPipelineQueues();

const DAY_MS = 86_400_000;
const todayStart = () =>
  new Date(new Date().toISOString().slice(0, 10) + "T00:00:00.000Z").getTime();
const dayOf = (ago: number) => new Date(todayStart() - ago * DAY_MS).toISOString().slice(0, 10);
const at = (ago: number, hours: number) =>
  new Date(todayStart() - ago * DAY_MS + hours * 3_600_000);
const usage = (prompt: number, completion: number): { metadata: { usage: Usage } } => ({
  metadata: {
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    },
  },
});

async function stats(token: string, query = "") {
  const res = await api(`/api/v1/stats${query}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return StatsSchema.parse(await res.json());
}

/** The expected series: `days` zero days ending today, with the given ones (by days ago) filled in. */
function series(days: number, filled: Record<number, Omit<StatsDay, "day">>): StatsDay[] {
  return Array.from({ length: days }, (_, i) => {
    const ago = days - 1 - i;
    return { day: dayOf(ago), conversations: 0, messages: 0, tokens: 0, ...filled[ago] };
  });
}

/** Three agents (one public), two documents and four conversations: today, two days ago, one across midnight, one 40 days ago. */
async function seedOwner() {
  const owner = await signIn();
  const agent = await createAgent(owner.token, { is_public: true });
  await createAgent(owner.token);
  await createAgent(owner.token);
  await ingestText(owner.token, "Opening hours are nine to five.");
  await ingestText(owner.token, "Parking is behind the building.");
  const today = await chatSession(owner.userId, agent.id, { startedAt: at(0, 9) });
  const twoDaysAgo = await chatSession(owner.userId, agent.id, { startedAt: at(2, 12) });
  // Starts 1.5 s before midnight: its first message falls on day -3, its answer on day -2.
  const acrossMidnight = await chatSession(owner.userId, agent.id, {
    startedAt: new Date(at(2, 0).getTime() - 1500),
  });
  const longAgo = await chatSession(owner.userId, agent.id, { startedAt: at(40, 12) });
  await deliver([
    today.create(today.messages({}, usage(10, 5), {}, usage(20, 7))),
    // A visitor message never counts towards tokens, even with usage in its metadata.
    twoDaysAgo.create(
      twoDaysAgo.messages({}, usage(100, 50), { role: "user", ...usage(1000, 1000) }),
    ),
    acrossMidnight.create(acrossMidnight.messages({}, usage(3, 4))),
    longAgo.create(longAgo.messages({}, usage(1, 2))),
  ]);
  return owner;
}

describe("GET /api/v1/stats", () => {
  it("totals the tenant's agents, documents, conversations, messages and answer tokens", async () => {
    const owner = await seedOwner();
    const { totals } = await stats(owner.token);
    expect(totals).toEqual({
      agents: 3,
      public_agents: 1,
      documents: 2,
      conversations: 4,
      messages: 11,
      tokens: {
        prompt: 10 + 20 + 100 + 3 + 1,
        completion: 5 + 7 + 50 + 4 + 2,
        total: 15 + 27 + 150 + 7 + 3,
      },
    });
  });

  it("lists 30 UTC days by default, oldest first and ending today, with zeros for quiet days and nothing older", async () => {
    const owner = await seedOwner();
    const { days } = await stats(owner.token);
    expect(days).toEqual(
      series(30, {
        0: { conversations: 1, messages: 4, tokens: 42 },
        2: { conversations: 1, messages: 3 + 1, tokens: 150 + 7 },
        3: { conversations: 1, messages: 1, tokens: 0 },
      }),
    );
    expect(days[28]).toEqual({ day: dayOf(1), conversations: 0, messages: 0, tokens: 0 });
  });

  it("answers exactly the number of days asked for, from 1 to 366", async () => {
    const owner = await seedOwner();
    expect((await stats(owner.token, "?days=1")).days).toEqual(
      series(1, { 0: { conversations: 1, messages: 4, tokens: 42 } }),
    );
    expect((await stats(owner.token, "?days=3")).days.map((d) => d.day)).toEqual([
      dayOf(2),
      dayOf(1),
      dayOf(0),
    ]);
    const year = (await stats(owner.token, "?days=366")).days;
    expect(year).toHaveLength(366);
    expect(year[366 - 1 - 40]).toEqual({
      day: dayOf(40),
      conversations: 1,
      messages: 2,
      tokens: 3,
    });
  });

  it("rejects a number of days outside 1..366 or not a whole number, naming the field", async () => {
    const owner = await signIn();
    for (const days of ["0", "367", "abc", "1.5", "-3"]) {
      const error = await expectError(
        await api(`/api/v1/stats?days=${days}`, { token: owner.token }),
        400,
        "VALIDATION_FAILED",
      );
      expect(fieldPaths(error)).toEqual(["days"]);
      expect(error.message).toContain("days must be a whole number from 1 to 366");
    }
  });

  it("asks for a token", async () => {
    await expectError(await api("/api/v1/stats"), 401, "UNAUTHENTICATED");
  });

  it("counts nothing of another tenant's data, in totals or per day", async () => {
    const first = await seedOwner();
    const second = await signIn();
    const agent = await createAgent(second.token);
    const session = await chatSession(second.userId, agent.id, { startedAt: at(0, 9) });
    await deliver([session.create(session.messages({}, usage(1, 1)))]);

    expect(await stats(second.token, "?days=5")).toEqual({
      totals: {
        agents: 1,
        public_agents: 0,
        documents: 0,
        conversations: 1,
        messages: 2,
        tokens: { prompt: 1, completion: 1, total: 2 },
      },
      days: series(5, { 0: { conversations: 1, messages: 2, tokens: 2 } }),
    });
    expect((await stats(first.token)).totals).toMatchObject({
      agents: 3,
      conversations: 4,
      messages: 11,
      tokens: { total: 202 },
    });
    const fresh = await signIn();
    expect(await stats(fresh.token, "?days=2")).toEqual({
      totals: {
        agents: 0,
        public_agents: 0,
        documents: 0,
        conversations: 0,
        messages: 0,
        tokens: { prompt: 0, completion: 0, total: 0 },
      },
      days: series(2, {}),
    });
  });
});
