/**
 * The web app's build: Solid.js compiled by Vite into web/dist, which the Worker serves as
 * static assets (wrangler.toml [assets]). Routes are code-split so the public profile page
 * loads only what it needs.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
