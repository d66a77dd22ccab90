/** Starts the Worker from wrangler.toml against the test database, as `wrangler dev` would. */
import { createTestHarness } from "wrangler";
import { planTestDatabase, TEST_JWT_SECRET, TEST_SESSION_SECRET } from "../support/database.ts";

export async function startWorker(vars: Record<string, string> = {}) {
  const db = await planTestDatabase();
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = db.url;
  const server = createTestHarness({
    workers: [
      {
        configPath: new URL("../../wrangler.toml", import.meta.url).pathname,
        vars: { ENVIRONMENT: "development", ...vars },
        secrets: { SUPABASE_JWT_SECRET: TEST_JWT_SECRET, SESSION_TOKEN_SECRET: TEST_SESSION_SECRET },
      },
    ],
  });
  const { url } = await server.listen();
  return { server, url: url.toString().replace(/\/$/, "") };
}
