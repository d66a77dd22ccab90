/**
 * The database every test suite runs against: DATABASE_URL when set (CI's PostgreSQL 15),
 * otherwise a fresh in-memory embedded Postgres. Vitest configs call `planTestDatabase()` to
 * learn the URL up front (bindings are fixed at config time); the suite's global setup
 * (`test/support/global-setup.ts`) then starts it and applies migrations.
 */
import { freePort } from "../../scripts/lib/embedded-postgres.ts";

export interface TestDatabasePlan {
  url: string;
  kind: "embedded" | "external";
  port?: number;
}

export async function planTestDatabase(): Promise<TestDatabasePlan> {
  if (process.env.NOOBLE_TEST_DB_PLAN)
    return JSON.parse(process.env.NOOBLE_TEST_DB_PLAN) as TestDatabasePlan;
  const external = process.env.DATABASE_URL;
  const plan: TestDatabasePlan = external
    ? { url: external, kind: "external" }
    : await freePort().then((port) => ({
        url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
        kind: "embedded" as const,
        port,
      }));
  process.env.NOOBLE_TEST_DB_PLAN = JSON.stringify(plan);
  return plan;
}

/** The HS256 secret the test Worker verifies dev tokens with. */
export const TEST_JWT_SECRET = "test-secret-for-nooble-worker-tests-0123456789";

/** The HS256 secret the test Worker signs visitors' chat session tokens with. */
export const TEST_SESSION_SECRET = "test-session-secret-for-nooble-0123456789abcdef";

/** The key (32 bytes, base64) the test Worker encrypts MCP servers' bearer tokens with. */
export const TEST_MCP_TOKEN_KEY = "bm9vYmxlLXRlc3QtbWNwLXRva2VuLWtleS0zMi1ieXQ=";
