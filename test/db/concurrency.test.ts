import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { ExecutionConfigSchema, QueryConfigSchema, RAGConfigSchema } from "../../shared/config.ts";
import { UsernameSchema } from "../../shared/username.ts";
import { duplicateAgent, insertAgent } from "../../workers/db/agents.ts";
import type { AgentWrite } from "../../workers/db/agents.ts";
import { ensureProfile } from "../../workers/db/profiles.ts";
import { connect, createOwner } from "./helpers.ts";

// Twenty callers on a pool of twenty connections, so their statements reach the server together.
const RACERS = 20;
const sql = connect(RACERS);
afterAll(() => sql.end());

const race = <T>(fn: (i: number) => Promise<T>) =>
  Promise.allSettled(Array.from({ length: RACERS }, (_, i) => fn(i)));
const fulfilled = <T>(results: PromiseSettledResult<T>[]) =>
  results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
const rejected = (results: PromiseSettledResult<unknown>[]) =>
  results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));

const agentWrite = (name: string): AgentWrite => ({
  template_id: null,
  name,
  description: null,
  icon: null,
  system_prompt_override: null,
  execution_config: ExecutionConfigSchema.parse({}),
  query_config: QueryConfigSchema.parse({}),
  rag_config: RAGConfigSchema.parse({}),
  is_active: true,
  is_public: false,
});

const countAgents = async (ownerId: string) =>
  (await sql<{ n: number }[]>`select count(*)::int as n from agents where owner_id = ${ownerId}`)[0]
    ?.n;

describe("concurrent first sign-ins", () => {
  it("create exactly one profile when the same tenant arrives twenty times at once", async () => {
    const tenant = randomUUID();
    const results = await race(() =>
      ensureProfile(sql, tenant, `same-${tenant.slice(0, 8)}@example.com`),
    );
    expect(rejected(results)).toEqual([]);
    expect(new Set(fulfilled(results).map((p) => p.username)).size).toBe(1);
    const rows = await sql`select id from profiles where id = ${tenant}`;
    expect(rows).toHaveLength(1);
  });

  it("give twenty tenants with the same email local part twenty distinct valid usernames", async () => {
    const local = `twin${randomUUID().slice(0, 8)}`;
    const results = await race((i) =>
      ensureProfile(sql, randomUUID(), `${local}@example-${i}.com`),
    );
    expect(rejected(results)).toEqual([]);
    const usernames = fulfilled(results).map((p) => p.username);
    expect(new Set(usernames).size).toBe(RACERS);
    for (const u of usernames) expect(UsernameSchema.safeParse(u).success, u).toBe(true);
    expect(usernames).toContain(local);
  });
});

describe("concurrent agent writes", () => {
  it("keep one of twenty same-name creations and answer the rest AGENT_NAME_TAKEN", async () => {
    const owner = await createOwner(sql);
    const results = await race(() => insertAgent(sql, owner.id, agentWrite("Front desk")));
    expect(fulfilled(results)).toHaveLength(1);
    expect(rejected(results)).toEqual(
      Array.from({ length: RACERS - 1 }, () =>
        expect.objectContaining({ code: "AGENT_NAME_TAKEN", status: 409 }),
      ),
    );
    expect(await countAgents(owner.id)).toBe(1);
  });

  it("give every one of twenty simultaneous duplicates its own name", async () => {
    const owner = await createOwner(sql);
    const source = await insertAgent(sql, owner.id, agentWrite("Helper"));
    const results = await race(() => duplicateAgent(sql, owner.id, source.id));
    expect(rejected(results)).toEqual([]);
    const names = fulfilled(results).map((a) => a?.name);
    expect(new Set(names).size).toBe(RACERS);
    expect(names).toContain("Helper (copy)");
    expect(names).toContain(`Helper (copy ${RACERS})`);
    expect(await countAgents(owner.id)).toBe(RACERS + 1);
  });

  it("leave nothing behind from the transactions that fail while others commit", async () => {
    const owner = await createOwner(sql);
    // Every odd transaction writes two agents, then a third with a name it already used.
    const results = await race((i) =>
      sql.begin(async (tx) => {
        await insertAgent(tx, owner.id, agentWrite(`Batch ${i} a`));
        await insertAgent(tx, owner.id, agentWrite(`Batch ${i} b`));
        if (i % 2 === 1) await insertAgent(tx, owner.id, agentWrite(`Batch ${i} a`));
      }),
    );
    expect(rejected(results)).toEqual(
      Array.from({ length: RACERS / 2 }, () =>
        expect.objectContaining({ code: "AGENT_NAME_TAKEN" }),
      ),
    );
    const names = (
      await sql<{ name: string }[]>`select name from agents where owner_id = ${owner.id}`
    ).map((r) => r.name);
    const committed = Array.from({ length: RACERS / 2 }, (_, k) => [
      `Batch ${2 * k} a`,
      `Batch ${2 * k} b`,
    ]).flat();
    expect(names.sort()).toEqual(committed.sort());
  });
});
