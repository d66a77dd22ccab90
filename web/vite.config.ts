/**
 * The web app's build: Solid.js compiled by Vite into web/dist, which the Worker serves as
 * static assets (wrangler.toml [assets]). Routes are code-split so the public profile page
 * loads only what it needs, in as few files as possible (build/public-page-chunk.ts), all
 * requested as soon as index.html is parsed, with its data (build/public-page-preload.ts).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { publicPageChunk } from "./build/public-page-chunk.ts";
import { publicPagePreload } from "./build/public-page-preload.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const publicPage = here("src/public/PublicProfilePage.tsx");

export default defineConfig({
  root: here("."),
  plugins: [solid(), publicPagePreload(publicPage)],
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
              name: publicPageChunk(here("index.html"), publicPage),
              debugName: "shell-and-public-page",
              // The page's chunk takes none of the shell's modules: they stay in the shell.
              includeDependenciesRecursively: false,
            },
          ],
        },
      },
    },
  },
});
