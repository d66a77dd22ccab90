/**
 * Browser end-to-end suite: the Worker started as test/node does (wrangler's test harness on
 * the test database), the built web app (web/dist) in headless Chromium (the system's, or the
 * one `npm install` brings: bench/lib/chromium.ts) driven by playwright-core. Screenshots of each main screen go to test-results/screenshots/.
 */
import { configDefaults, defineConfig } from "vitest/config";
import { evalExcludes } from "../support/eval-data.ts";

const here = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig({
  test: {
    root: here("."),
    include: ["**/*.test.ts"],
    // The journey uploads a document from ../shared/eval/docs: left out (with a warning) without it.
    exclude: [
      ...configDefaults.exclude,
      ...evalExcludes(["public-chat.test.ts", "first-run.test.ts"]),
    ],
    passWithNoTests: true,
    globalSetup: [here("../support/global-setup.ts")],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
