/**
 * `npm run types`: regenerates workers/worker-configuration.d.ts from wrangler.toml. Local
 * `.dev.vars` is set aside while it runs so the committed Env type never depends on one
 * machine's settings (optional secrets are typed in workers/env.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const devVars = join(root, ".dev.vars");
const aside = join(root, ".dev.vars.types-aside");
const moved = existsSync(devVars);
if (moved) renameSync(devVars, aside);
try {
  const r = spawnSync(
    join(root, "node_modules/.bin/wrangler"),
    ["types", "--strict-vars=false", "workers/worker-configuration.d.ts"],
    { cwd: root, stdio: "inherit" },
  );
  process.exitCode = r.status ?? 1;
} finally {
  if (moved) renameSync(aside, devVars);
}
