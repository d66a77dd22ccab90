/**
 * `npm run provision [-- --env staging]`: creates what wrangler.toml binds that
 * `wrangler deploy` does not create itself: every queue (the dead-letter queue included), the
 * R2 bucket and the Hyperdrive config. Idempotent: what exists is left alone and reported, so
 * it can be run again at any time. Durable Objects need nothing: deploy creates them.
 *
 * Needs CLOUDFLARE_API_TOKEN (permissions: Queues Edit, Workers R2 Storage Edit, Hyperdrive
 * Edit) and CLOUDFLARE_ACCOUNT_ID, the variables wrangler itself reads in CI; and DATABASE_URL
 * (the database's direct postgres:// URL) when the Hyperdrive config does not exist yet. The new
 * config's id is written into the environment's `[[hyperdrive]]` block of wrangler.toml.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CLOUDFLARE_API, CloudflareApi, originFromUrl } from "./lib/cloudflare-api.ts";

/** What one environment of wrangler.toml needs created. */
export interface ResourcePlan {
  workerName: string;
  queues: string[];
  buckets: string[];
  hyperdrive: { name: string; id: string | null } | null;
}

interface BindingsConfig {
  name?: string;
  queues: {
    producers?: { queue: string }[];
    consumers?: { queue: string; dead_letter_queue?: string }[];
  };
  r2_buckets: { bucket_name?: string }[];
  hyperdrive: { id: string }[];
}

export function planResources(config: BindingsConfig): ResourcePlan {
  const workerName = config.name ?? "nooble";
  const queues = new Set<string>();
  for (const p of config.queues.producers ?? []) queues.add(p.queue);
  for (const c of config.queues.consumers ?? []) {
    queues.add(c.queue);
    if (c.dead_letter_queue) queues.add(c.dead_letter_queue);
  }
  const buckets = [
    ...new Set(config.r2_buckets.flatMap((b) => (b.bucket_name ? [b.bucket_name] : []))),
  ];
  const bound = config.hyperdrive[0];
  const hyperdrive = bound
    ? { name: `${workerName}-db`, id: /^0+$/.test(bound.id) ? null : bound.id }
    : null;
  return { workerName, queues: [...queues].sort(), buckets: buckets.sort(), hyperdrive };
}

export interface ProvisionReport {
  created: string[];
  existing: string[];
  /** The Hyperdrive config's id, when there is one. */
  hyperdriveId: string | null;
}

export async function provision(
  api: CloudflareApi,
  plan: ResourcePlan,
  databaseUrl: string | undefined,
  log: (line: string) => void,
): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], existing: [], hyperdriveId: null };
  const note = (kind: "created" | "existing", what: string) => {
    report[kind].push(what);
    log(`${kind === "created" ? "created " : "exists  "} ${what}`);
  };
  const queues = await api.listQueueNames();
  for (const queue of plan.queues) {
    if (queues.has(queue)) note("existing", `queue ${queue}`);
    else {
      await api.createQueue(queue);
      note("created", `queue ${queue}`);
    }
  }
  for (const bucket of plan.buckets) {
    if (await api.bucketExists(bucket)) note("existing", `R2 bucket ${bucket}`);
    else {
      await api.createBucket(bucket);
      note("created", `R2 bucket ${bucket}`);
    }
  }
  if (plan.hyperdrive) {
    const { name, id } = plan.hyperdrive;
    const configs = await api.listHyperdriveConfigs();
    const found = configs.find((c) => (id ? c.id === id : c.name === name));
    if (found) {
      note("existing", `Hyperdrive config ${found.name} (${found.id})`);
      report.hyperdriveId = found.id;
    } else {
      if (!databaseUrl)
        throw new Error(
          `The Hyperdrive config ${name} does not exist: set DATABASE_URL to the database's direct postgres:// URL so it can be created.`,
        );
      const made = await api.createHyperdriveConfig(name, originFromUrl(databaseUrl));
      note("created", `Hyperdrive config ${made.name} (${made.id})`);
      report.hyperdriveId = made.id;
    }
  }
  return report;
}

/**
 * wrangler.toml with the `id` of the environment's `[[hyperdrive]]` block (top level for
 * production, `[[env.<name>.hyperdrive]]` otherwise) set to `id`; the rest is left as written.
 */
export function withHyperdriveId(toml: string, env: string | null, id: string): string {
  const header = env ? `[[env.${env}.hyperdrive]]` : "[[hyperdrive]]";
  const lines = toml.split("\n");
  const start = lines.findIndex((l) => l.trim() === header);
  if (start < 0) throw new Error(`wrangler.toml has no ${header} block.`);
  for (let i = start + 1; i < lines.length && !lines[i]?.trim().startsWith("["); i++) {
    if (/^\s*id\s*=/.test(lines[i] ?? "")) {
      lines[i] = `id = "${id}"`;
      return lines.join("\n");
    }
  }
  throw new Error(`wrangler.toml's ${header} block has no id line.`);
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { env: { type: "string" } } });
  const env = values.env ?? null;
  const token = process.env.CLOUDFLARE_API_TOKEN;
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
  if (!token || !accountId) {
    console.error(
      "Set CLOUDFLARE_API_TOKEN (an API token with Queues Edit, Workers R2 Storage Edit and Hyperdrive Edit) and CLOUDFLARE_ACCOUNT_ID.",
    );
    process.exit(2);
  }
  const root = new URL("..", import.meta.url).pathname;
  const configPath = join(root, "wrangler.toml");
  const { unstable_readConfig } = await import("wrangler");
  const plan = planResources(unstable_readConfig({ config: configPath, ...(env ? { env } : {}) }));
  console.log(`provisioning ${plan.workerName} (${env ?? "production"})`);
  const api = new CloudflareApi(
    token,
    accountId,
    process.env.CLOUDFLARE_API_BASE_URL ?? CLOUDFLARE_API,
  );
  try {
    const report = await provision(api, plan, process.env.DATABASE_URL, (l) =>
      console.log(`  ${l}`),
    );
    if (report.hyperdriveId && report.hyperdriveId !== plan.hyperdrive?.id) {
      writeFileSync(
        configPath,
        withHyperdriveId(readFileSync(configPath, "utf8"), env, report.hyperdriveId),
      );
      console.log(
        `  wrote the Hyperdrive id ${report.hyperdriveId} into wrangler.toml (commit it)`,
      );
    }
    console.log(`done: ${report.created.length} created, ${report.existing.length} already there`);
  } catch (error) {
    console.error(`provisioning failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
