/**
 * Node-side end-to-end suite: starts the whole Worker with wrangler's test harness (the same
 * runtime as `wrangler dev`) and drives it over real HTTP and WebSocket connections.
 */
import { configDefaults, defineConfig } from "vitest/config";
import { evalExcludes } from "../support/eval-data.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig({
  test: {
    root: here("."),
    include: ["**/*.test.ts"],
    exclude: [
      ...configDefaults.exclude,
      ...evalExcludes([
        "ingestion-pipeline.test.ts",
        "ingestion-heals-after-crash.test.ts",
        "ingestion/**/*.test.ts",
        "knowledge/qdrant-contract.test.ts",
        "knowledge/qdrant-openapi.test.ts",
        "knowledge/qdrant-openapi-contract.test.ts",
        "llm/tool-calls-openai-spec.test.ts",
      ]),
    ],
    globalSetup: [here("../support/global-setup.ts")],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
