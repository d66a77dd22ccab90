/**
 * Worker tests: run inside the Workers runtime (workerd) with the real bindings from
 * wrangler.toml; Hyperdrive points at the test database (see test/support/database.ts).
 */
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";
import { evalExcludes } from "../support/eval-data.ts";
import {
  planTestDatabase,
  TEST_JWT_SECRET,
  TEST_MCP_TOKEN_KEY,
  TEST_SESSION_SECRET,
} from "../support/database.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig(async () => {
  const db = await planTestDatabase();
  // wrangler reads the local Hyperdrive target from this variable when it loads wrangler.toml.
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = db.url;
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: here("../../wrangler.toml") },
        miniflare: {
          bindings: {
            ENVIRONMENT: "development",
            // Tests stand in for Cloudflare's edge: each gives its visitors their own address.
            TRUST_CF_CONNECTING_IP: "true",
            // A stalled request body fails after 1 s instead of 20 (api/middleware/body-deadline.test.ts).
            REQUEST_BODY_IDLE_SECONDS: "1",
            SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
            SESSION_TOKEN_SECRET: TEST_SESSION_SECRET,
            MCP_TOKEN_KEY: TEST_MCP_TOKEN_KEY,
            TEST_DATABASE_URL: db.url,
          },
        },
      }),
    ],
    test: {
      root: here("."),
      include: ["**/*.test.ts"],
      exclude: [
        ...configDefaults.exclude,
        ...evalExcludes([
          "knowledge/kb-store-contract.test.ts",
          "knowledge/qdrant-store-contract.test.ts",
          "knowledge/vector-index.test.ts",
        ]),
      ],
      globalSetup: [here("../support/global-setup.ts")],
      testTimeout: 20_000,
      // Each test file starts its own workerd and imports the Worker afresh; pre-bundled, these
      // packages arrive as a few modules instead of hundreds (zod alone is ~100), which takes
      // about 2 s off every file. Every hono entry point the Worker imports is listed: a subpath
      // left out would load a second copy of hono, and its HTTPException would no longer match.
      // postgres is left out: its Workers build imports node: modules the bundler cannot load.
      deps: {
        optimizer: {
          ssr: {
            enabled: true,
            include: [
              "zod",
              "openai",
              "@hono/zod-openapi",
              "hono",
              "hono/factory",
              "hono/streaming",
              "hono/http-exception",
              "hono/cors",
              "hono/body-limit",
              "jose",
              "groq-sdk",
              "mammoth",
              "htmlparser2",
              "domhandler",
              "@qdrant/js-client-rest",
              "unpdf",
              "papaparse",
              "fflate",
              "eventsource-parser",
            ],
          },
        },
      },
      // The Worker logs JSON lines per request; show them only for a failing test.
      silent: "passed-only" as const,
    },
  };
});
