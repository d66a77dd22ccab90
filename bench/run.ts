/** `npm run bench`: runs every benchmark in turn; each prints its figures against its own baseline. */
import { spawnSync } from "node:child_process";

const benches = ["api.ts", "chat.ts", "agent.ts", "retrieval.ts", "ingest.ts", "web.ts"];
let failed = 0;
for (const file of benches) {
  const r = spawnSync(process.execPath, [new URL(file, import.meta.url).pathname], {
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
