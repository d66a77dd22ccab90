/**
 * Component tests of the web app: Solid components rendered into happy-dom with
 * @solidjs/testing-library, compiled by the same Vite plugin as the app.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";

export default defineConfig({
  plugins: [solid()],
  root: fileURLToPath(new URL(".", import.meta.url)),
  resolve: { conditions: ["development", "browser"] },
  test: {
    environment: "happy-dom",
    include: ["**/*.test.tsx", "**/*.test.ts"],
    testTimeout: 15_000,
  },
});
