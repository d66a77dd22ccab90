/** Starts the Worker from wrangler.toml against the test database, as `wrangler dev` would. */
import { createTestHarness } from "wrangler";
import {
  planTestDatabase,
  TEST_JWT_SECRET,
  TEST_MCP_TOKEN_KEY,
  TEST_SESSION_SECRET,
} from "../support/database.ts";

export async function startWorker(vars: Record<string, string> = {}) {
  const db = await planTestDatabase();
  // Offline, as npm run dev is: no Request.cf download (its ENOTFOUND trace in every test log).
  process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = db.url;
  const server = createTestHarness({
    workers: [
      {
        configPath: new URL("../../wrangler.toml", import.meta.url).pathname,
        vars: { ENVIRONMENT: "development", ...vars },
        secrets: {
          SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
          SESSION_TOKEN_SECRET: TEST_SESSION_SECRET,
          MCP_TOKEN_KEY: TEST_MCP_TOKEN_KEY,
        },
      },
    ],
  });
  const { url } = await server.listen();
  return { server, url: url.toString().replace(/\/$/, "") };
}

export interface CallInit extends RequestInit {
  token?: string;
  json?: unknown;
}

/** A JSON client for the started Worker: `call(path, { method, token, json })` -> status and parsed body. */
export function jsonClient(baseUrl: () => string) {
  return async (path: string, init: CallInit = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set("authorization", `Bearer ${init.token}`);
    if (init.json !== undefined) headers.set("content-type", "application/json");
    const res = await fetch(`${baseUrl()}${path}`, {
      ...init,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}
