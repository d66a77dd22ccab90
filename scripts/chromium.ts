/**
 * `npm run chromium`: says which Chromium the browser tests and bench:web will drive (see
 * bench/lib/chromium.ts), unpacking the bundled one if that is the one, and prints its version.
 */
import { execFileSync } from "node:child_process";
import { resolveChromium } from "../bench/lib/chromium.ts";

const { executablePath, source, env } = await resolveChromium();
const version = execFileSync(executablePath, ["--version"], {
  env: { ...process.env, ...env },
  encoding: "utf8",
}).trim();
console.log(`${source}: ${executablePath}\n${version}`);
