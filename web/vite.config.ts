/**
 * The web app's build: Solid.js compiled by Vite into web/dist, which the Worker serves as
 * static assets (wrangler.toml [assets]). Routes are code-split so the public profile page
 * loads only what it needs, in as few files as possible (build/public-page-chunk.ts), and its
 * data is requested while those load (build/profile-data-preload.ts).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { profileDataPreload } from "./build/profile-data-preload.ts";
import { publicPageChunk } from "./build/public-page-chunk.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  plugins: [solid(), profileDataPreload()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: publicPageChunk(here("src/main.tsx"), here("src/public/PublicProfilePage.tsx")),
              debugName: "public-page",
              // Its dependencies in the shell stay in the shell.
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
});
