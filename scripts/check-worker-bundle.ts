/**
 * `npm run check:bundle`: bundles the Worker the way `wrangler deploy` would
 * (`wrangler deploy --dry-run --outdir`, nothing is uploaded) for production and for every
 * other environment in wrangler.toml, and fails if a bundle passes the budget once gzipped.
 *
 * Why 3 MB: it is the Workers Free plan's limit on a Worker's compressed size (paid plans
 * allow 10 MB), so a bundle under it deploys on either plan. The static assets of web/dist are
 * uploaded separately and do not count.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** The gzipped size a Worker bundle may reach, in bytes. */
export const WORKER_GZIP_BUDGET_BYTES = 3_000_000;

export interface BundleSize {
  files: { file: string; rawBytes: number; gzipBytes: number }[];
  gzipBytes: number;
}

/** The modules wrangler wrote to `dir`, each gzipped as the upload is (source maps and its README aside). */
export function measureBundle(dir: string): BundleSize {
  const files = readdirSync(dir)
    .filter((f) => !f.endsWith(".map") && f !== "README.md")
    .sort()
    .map((file) => {
      const body = readFileSync(join(dir, file));
      return { file, rawBytes: body.length, gzipBytes: gzipSync(body).length };
    });
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

function checkEnvironment(root: string, env: string | null): boolean {
  const out = mkdtempSync(join(tmpdir(), "nooble-bundle-"));
  try {
    const args = ["deploy", "--dry-run", "--outdir", out, ...(env ? ["--env", env] : [])];
    // Through this Node (22, the project's), not whatever `node` comes first on PATH.
    const r = spawnSync(
      process.execPath,
      [join(root, "node_modules/wrangler/bin/wrangler.js"), ...args],
      { cwd: root, encoding: "utf8" },
    );
    const label = env ?? "production";
    if (r.status !== 0) {
      console.error(`${label}: wrangler deploy --dry-run failed:\n${r.stdout}\n${r.stderr}`);
      return false;
    }
    const size = measureBundle(out);
    const ok = size.gzipBytes <= WORKER_GZIP_BUDGET_BYTES;
    const detail = size.files
      .map((f) => `${f.file} ${kb(f.rawBytes)} -> ${kb(f.gzipBytes)}`)
      .join(", ");
    console.log(
      `${label}: Worker bundle ${kb(size.gzipBytes)} gzipped (budget ${kb(WORKER_GZIP_BUDGET_BYTES)}): ${ok ? "ok" : "OVER BUDGET"} [${detail}]`,
    );
    return ok;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const root = new URL("..", import.meta.url).pathname;
  const { experimental_readRawConfig } = await import("wrangler");
  const envs = Object.keys(
    experimental_readRawConfig({ config: join(root, "wrangler.toml") }).rawConfig.env ?? {},
  );
  const results = [null, ...envs].map((env) => checkEnvironment(root, env));
  process.exitCode = results.every(Boolean) ? 0 : 1;
}
