/**
 * First render of a public profile page in headless Chromium: through the Worker in wrangler's
 * local runtime (static assets + GET /api/v1/public/profiles/{username} from Postgres), against
 * the same built assets and the same API answer served by a bare Node HTTP server: the
 * baseline, measured in the same run. Each load is a fresh browser context (cold cache).
 * Also reports the JavaScript the page actually loaded, gzipped.
 *
 * Exit code 1 only on errors (the page never rendered), never on timing.
 */
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import type { Browser } from "playwright-core";
import { createTestHarness } from "wrangler";
import { launchChromium } from "./lib/chromium.ts";
import { startPostgresProcess } from "./lib/postgres-process.ts";
import { ms, percentile } from "./lib/stats.ts";

const N = Number(process.env.BENCH_WEB_N ?? 15);
const WARMUP = 3;
const SECRET = "bench-secret-0123456789abcdef0123456789";
const DISPLAY_NAME = "Bench Owner";
const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "web/dist");

// ---- the Worker, with one owner and a public agent ----
// Offline, as `npm run dev` runs it (scripts/lib/wrangler-args.ts): no Request.cf download.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
// The database in a process of its own, as under `npm run dev` and in production: PGlite runs on
// its host's event loop, which here also drives Chromium and serves the baseline.
const embedded = await startPostgresProcess();
process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = embedded.url;
const worker = createTestHarness({
  workers: [
    {
      configPath: join(root, "wrangler.toml"),
      vars: { ENVIRONMENT: "development" },
      secrets: { SUPABASE_JWT_SECRET: SECRET },
    },
  ],
});
const workerBase = (await worker.listen()).url.toString().replace(/\/$/, "");
const call = async (
  path: string,
  init: { method?: string; json?: unknown; token?: string } = {},
) => {
  const res = await fetch(`${workerBase}${path}`, {
    method: init.method ?? (init.json ? "POST" : "GET"),
    headers: {
      ...(init.json ? { "content-type": "application/json" } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.json ? JSON.stringify(init.json) : undefined,
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  return res;
};
const { access_token: token } = (await (
  await call("/api/v1/dev/sign-in", { json: { email: `web-bench-${Date.now()}@example.com` } })
).json()) as { access_token: string };
const profile = (await (
  await call("/api/v1/profile", {
    method: "PATCH",
    json: { display_name: DISPLAY_NAME, description: "Answers from my documents." },
    token,
  })
).json()) as { username: string };
await call("/api/v1/agents", {
  json: { name: "Front desk", template_id: "receptionist", is_public: true },
  token,
});
const profileBody = await (await call(`/api/v1/public/profiles/${profile.username}`)).text();
const clientConfigBody = await (await call("/api/v1/client-config")).text();

// ---- the baseline: the same files and the same answers from plain Node ----
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
};
const baseline: Server = createServer(async (req, res) => {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path === `/api/v1/public/profiles/${profile.username}`)
    return void res.writeHead(200, { "content-type": "application/json" }).end(profileBody);
  if (path === "/api/v1/client-config")
    return void res.writeHead(200, { "content-type": "application/json" }).end(clientConfigBody);
  if (path.startsWith("/api/"))
    return void res
      .writeHead(404, { "content-type": "application/json" })
      .end('{"error":{"code":"ROUTE_NOT_FOUND","message":"baseline"}}');
  const file = normalize(join(dist, path));
  const body =
    file.startsWith(dist) && extname(file) ? await readFile(file).catch(() => null) : null;
  if (body)
    return void res
      .writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" })
      .end(body);
  res
    .writeHead(200, { "content-type": TYPES[".html"] })
    .end(await readFile(join(dist, "index.html")));
});
await new Promise<void>((r) => baseline.listen(0, "127.0.0.1", r));
const baselineAddress = baseline.address();
const baselineBase = `http://127.0.0.1:${typeof baselineAddress === "object" && baselineAddress ? baselineAddress.port : 0}`;

// ---- loads ----
interface Load {
  renderMs: number;
  fcpMs: number;
  scripts: string[];
  resources: Resource[];
}

/** One request of a load, from the page's Resource/Navigation Timing (ms since navigation). */
interface Resource {
  path: string;
  start: number;
  /** Request sent → first byte: the server's time plus the loopback. */
  wait: number;
  end: number;
}

async function load(browser: Browser, base: string): Promise<Load> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const scripts: string[] = [];
  page.on("response", (r) => {
    if (r.request().resourceType() === "script") scripts.push(new URL(r.url()).pathname);
  });
  const started = performance.now();
  await page.goto(`${base}/${profile.username}`, { waitUntil: "commit" });
  await page
    .getByRole("heading", { name: DISPLAY_NAME })
    .first()
    .waitFor({ state: "visible", timeout: 15_000 });
  const renderMs = performance.now() - started;
  const fcpMs = Number(
    await page.evaluate(
      "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN",
    ),
  );
  const resources = JSON.parse(
    String(
      await page.evaluate(`JSON.stringify(
        [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
          .map((e) => ({ path: new URL(e.name).pathname, start: e.startTime,
            wait: e.responseStart - e.requestStart, end: e.responseEnd })))`),
    ),
  ) as Resource[];
  await context.close();
  return { renderMs, fcpMs, scripts, resources };
}

const browser = await launchChromium();
let failed = false;
const samples = { product: [] as Load[], baseline: [] as Load[] };
try {
  for (let i = 0; i < WARMUP; i++) {
    await load(browser, workerBase);
    await load(browser, baselineBase);
  }
  for (let i = 0; i < N; i++) {
    samples.product.push(await load(browser, workerBase));
    samples.baseline.push(await load(browser, baselineBase));
  }
} catch (err) {
  failed = true;
  console.error("bench:web: the public page did not render:", err);
} finally {
  await browser.close();
}

const summary = (loads: Load[], key: "renderMs" | "fcpMs") => {
  const sorted = loads
    .map((l) => l[key])
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};
interface Waterfall {
  start: number;
  wait: number;
  end: number;
}
/** Median start, wait and end of each request path over the loads, in order of start. */
function waterfall(loads: Load[]): Map<string, Waterfall> {
  const byPath = new Map<string, Resource[]>();
  for (const load of loads) {
    const seen = new Map<string, number>();
    for (const r of load.resources) {
      const path = r.path.replace(profile.username, ":username");
      const nth = (seen.get(path) ?? 0) + 1;
      seen.set(path, nth);
      const key = nth > 1 ? `${path} (#${nth})` : path;
      byPath.set(key, [...(byPath.get(key) ?? []), r]);
    }
  }
  const median = (xs: number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  return new Map(
    [...byPath]
      .map(([path, rs]): [string, Waterfall] => [
        path,
        {
          start: median(rs.map((r) => r.start)),
          wait: median(rs.map((r) => r.wait)),
          end: median(rs.map((r) => r.end)),
        },
      ])
      .sort((x, y) => x[1].start - y[1].start),
  );
}

if (!failed) {
  const scripts = [...new Set(samples.product.flatMap((l) => l.scripts))];
  let raw = 0;
  let gzip = 0;
  for (const path of scripts) {
    const body = await readFile(join(dist, path));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
  }
  const product = {
    render: summary(samples.product, "renderMs"),
    fcp: summary(samples.product, "fcpMs"),
  };
  const base = {
    render: summary(samples.baseline, "renderMs"),
    fcp: summary(samples.baseline, "fcpMs"),
  };
  console.log(
    `\nweb: first render of /${profile.username} (heading with the owner's name visible), ${N} cold loads each, headless Chromium`,
  );
  console.log(
    `  baseline  same files + same JSON from plain Node   render p50 ${ms(base.render.p50)}  p99 ${ms(base.render.p99)}   FCP p50 ${ms(base.fcp.p50)}`,
  );
  console.log(
    `  product   through the Worker (wrangler runtime)    render p50 ${ms(product.render.p50)}  p99 ${ms(product.render.p99)}   FCP p50 ${ms(product.fcp.p50)}`,
  );
  console.log(
    `  ratio p50 ${(product.render.p50 / base.render.p50).toFixed(2)}x (added +${ms(product.render.p50 - base.render.p50)})`,
  );
  console.log(
    `  JavaScript loaded by the public page: ${scripts.length} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzipped (budget 150 KB)`,
  );
  console.log(
    "  where the time goes (p50 over the loads, ms since navigation; wait = request sent to first byte):",
  );
  console.log(
    `  ${"request".padEnd(44)} ${"baseline start/wait/end".padEnd(26)} product start/wait/end`,
  );
  const b = waterfall(samples.baseline);
  for (const [path, p] of waterfall(samples.product)) {
    const q = b.get(path);
    const cell = (r: Waterfall | undefined) =>
      r ? `${r.start.toFixed(0)}/${r.wait.toFixed(0)}/${r.end.toFixed(0)}` : "-";
    console.log(`  ${path.padEnd(44)} ${cell(q).padEnd(26)} ${cell(p)}`);
  }
  await mkdir(join(root, "bench/results"), { recursive: true });
  await writeFile(
    join(root, "bench/results/web.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        n: N,
        product,
        baseline: base,
        scripts,
        js_raw_bytes: raw,
        js_gzip_bytes: gzip,
      },
      null,
      2,
    ),
  );
}

await new Promise((r) => baseline.close(r));
await worker.close();
await embedded.stop();
process.exit(failed ? 1 : 0);
