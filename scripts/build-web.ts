/**
 * Builds the static assets the Worker serves (web/dist): the Solid.js web app compiled by
 * Vite (web/vite.config.ts), plus the Swagger UI bundle used by /docs, copied from
 * node_modules so the docs need no network.
 */
import { cp, mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { build } from "vite";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "web/dist");
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

await build({
  configFile: join(root, "web/vite.config.ts"),
  logLevel: "warn",
  // Rolldown's "[PLUGIN_TIMINGS]" advice (which plugin was slow) is for plugin authors; on a
  // busy machine it fired on most `npm run dev` starts, a screen of text nobody can act on.
  build: { rolldownOptions: { checks: { bundlerTimings: false } } },
});
await mkdir(join(dist, "vendor/swagger-ui"), { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  await cp(join(swaggerDir, file), join(dist, "vendor/swagger-ui", file));
}
await writeFile(
  join(dist, "vendor/swagger-ui/init.js"),
  `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true });\n`,
);
console.log("web/dist built");
