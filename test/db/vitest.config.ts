/**
 * Data-layer suite: migrations, row-level security and concurrent writes, run in Node with the
 * `postgres` driver against the test database (see test/support/database.ts). CI runs it twice:
 * on the embedded PGlite and on a real PostgreSQL 15 through DATABASE_URL.
 */
import { defineConfig } from "vitest/config";

const here = (p: string) => new URL(p, import.meta.url).pathname;

export default defineConfig({
  test: {
    root: here("."),
    include: ["**/*.test.ts"],
    globalSetup: [here("../support/global-setup.ts")],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // The files share one database; one at a time keeps each file's concurrency its own.
    fileParallelism: false,
  },
});
