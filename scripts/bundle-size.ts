/**
 * The JavaScript a visitor's browser loads for a public profile page (`/{username}`), gzipped,
 * against the 150 KB budget: the entry script of web/dist/index.html, the public page's chunk
 * (PublicProfilePage-*.js), and every chunk either of them imports statically, transitively.
 * Dynamic imports are not followed: they load only when used (owner pages, Supabase).
 * Also fails when the Supabase client or an owner page's chunk is among them.
 *
 * `node scripts/bundle-size.ts` after `npm run build`; exit code 1 over budget.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";

export const PUBLIC_JS_BUDGET_BYTES = 150 * 1024;

export interface BundleFile {
  file: string;
  rawBytes: number;
  gzipBytes: number;
}

export interface BundleReport {
  files: BundleFile[];
  rawBytes: number;
  gzipBytes: number;
  budgetBytes: number;
  problems: string[];
}

/** Static `import … from "./x.js"`, `import "./x.js"` and `export … from "./x.js"`; never `import("./x.js")`. */
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[^"'()]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

export function staticImports(code: string): string[] {
  return [...code.matchAll(STATIC_IMPORT)].map((m) => basename(m[1] ?? ""));
}

export function publicPageBundle(dist: string): BundleReport {
  const assets = join(dist, "assets");
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const entry = /<script[^>]*type="module"[^>]*src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  const publicChunk = readdirSync(assets).find((f) => /^PublicProfilePage-.*\.js$/.test(f));
  const problems: string[] = [];
  if (!entry) problems.push("no module entry script in index.html");
  if (!publicChunk) problems.push("no PublicProfilePage-*.js chunk in web/dist/assets");

  const seen = new Set<string>();
  const queue = [entry, publicChunk].filter((f): f is string => Boolean(f));
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const path = join(assets, file);
    if (!existsSync(path)) {
      problems.push(`${file} is imported but missing`);
      continue;
    }
    queue.push(...staticImports(readFileSync(path, "utf8")));
  }

  const ownerPages = new Set(
    readdirSync(new URL("../web/src/owner/", import.meta.url))
      .filter((f) => f.endsWith(".tsx"))
      .map((f) => f.replace(/\.tsx$/, "")),
  );
  const files: BundleFile[] = [];
  for (const file of seen) {
    const path = join(assets, file);
    if (!existsSync(path)) continue;
    const body = readFileSync(path);
    files.push({ file, rawBytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length });
    const chunkName = file.replace(/-[\w-]{6,}\.js$/, "");
    if (ownerPages.has(chunkName))
      problems.push(`owner page chunk ${file} is loaded by the public page`);
    if (body.includes("GoTrueClient")) problems.push(`${file} holds the Supabase client`);
  }
  files.sort((a, b) => b.gzipBytes - a.gzipBytes);
  const rawBytes = files.reduce((s, f) => s + f.rawBytes, 0);
  const gzipBytes = files.reduce((s, f) => s + f.gzipBytes, 0);
  if (gzipBytes > PUBLIC_JS_BUDGET_BYTES) {
    problems.push(`${kb(gzipBytes)} gzipped is over the ${kb(PUBLIC_JS_BUDGET_BYTES)} budget`);
  }
  return { files, rawBytes, gzipBytes, budgetBytes: PUBLIC_JS_BUDGET_BYTES, problems };
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = new URL("../web/dist/", import.meta.url).pathname;
  if (!existsSync(join(dist, "index.html"))) {
    console.error("web/dist is not built: run `npm run build` first.");
    process.exit(1);
  }
  const report = publicPageBundle(dist);
  console.log(
    "JavaScript loaded by the public profile page (entry + public chunk + their static imports):",
  );
  for (const f of report.files)
    console.log(
      `  ${f.file.padEnd(40)} ${kb(f.rawBytes).padStart(10)} raw ${kb(f.gzipBytes).padStart(10)} gzip`,
    );
  console.log(
    `  ${"total".padEnd(40)} ${kb(report.rawBytes).padStart(10)} raw ${kb(report.gzipBytes).padStart(10)} gzip (budget ${kb(report.budgetBytes)})`,
  );
  for (const p of report.problems) console.error(`FAIL: ${p}`);
  process.exit(report.problems.length > 0 ? 1 : 0);
}
