/**
 * Builds the static assets the Worker serves (web/dist): the web app's files and the Swagger
 * UI bundle used by /docs, copied from node_modules so the docs need no network.
 */
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "web/dist");
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "vendor/swagger-ui"), { recursive: true });
await cp(join(root, "web/public"), dist, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
  await cp(join(swaggerDir, file), join(dist, "vendor/swagger-ui", file));
}
await writeFile(
  join(dist, "vendor/swagger-ui/init.js"),
  `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", persistAuthorization: true });\n`,
);
console.log("web/dist built");
