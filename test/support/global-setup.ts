/** Vitest global setup: starts the planned test database and applies migrations. */
import { startEmbeddedPostgres } from "../../scripts/lib/embedded-postgres.ts";
import { migrate } from "../../scripts/lib/migrate.ts";
import { planTestDatabase } from "./database.ts";

export default async function setup(): Promise<() => Promise<void>> {
  const plan = await planTestDatabase();
  const embedded =
    plan.kind === "embedded" ? await startEmbeddedPostgres({ port: plan.port }) : undefined;
  await migrate(plan.url);
  return async () => {
    await embedded?.stop();
  };
}
