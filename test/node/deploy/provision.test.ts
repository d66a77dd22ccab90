/**
 * `npm run provision`: what it plans from wrangler.toml for production and staging, and that
 * it creates every queue (the dead-letter queue included), the bucket and the Hyperdrive
 * config once, through the Cloudflare API's wire format, and nothing on a second run.
 */
import { unstable_readConfig, type Unstable_Config } from "wrangler";
import { afterEach, describe, expect, it } from "vitest";
import { CloudflareApi } from "../../../scripts/lib/cloudflare-api.ts";
import { planResources, provision, withHyperdriveId } from "../../../scripts/provision.ts";
import { startFakeCloudflare, type FakeCloudflare } from "./fake-cloudflare-api.ts";

const CONFIG = new URL("../../../wrangler.toml", import.meta.url).pathname;
const read = (env?: string) => unstable_readConfig({ config: CONFIG, ...(env ? { env } : {}) });
const TOKEN = "test-token";
const ACCOUNT = "0123456789abcdef0123456789abcdef";
const DB = "postgres://nooble:s3cret@db.example.com:6543/postgres";

let fake: FakeCloudflare | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("the resources wrangler.toml needs", () => {
  it("production binds the conversation, ingestion and embedding queues and the dead-letter queue, one bucket and one Hyperdrive config", () => {
    expect(planResources(read())).toEqual({
      workerName: "nooble",
      queues: ["nooble-conversation", "nooble-dlq", "nooble-embedding", "nooble-ingestion"],
      buckets: ["nooble-documents"],
      hyperdrive: { name: "nooble-db", id: null },
    });
  });

  it("staging has every binding and variable production has, each on a resource of its own", () => {
    const prod = read();
    const staging = read("staging");
    expect(staging.name).toBe("nooble-staging");
    const names = (c: Unstable_Config) => ({
      objects: c.durable_objects.bindings.map(
        (b) => `${b.name}:${b.class_name}:${b.script_name ?? ""}`,
      ),
      producers: (c.queues.producers ?? []).map((p) => p.binding),
      consumers: (c.queues.consumers ?? []).length,
      buckets: c.r2_buckets.map((b) => b.binding),
      hyperdrive: c.hyperdrive.map((h) => h.binding),
      limits: c.ratelimits.map((r) => r.name),
      vars: Object.keys(c.vars).sort(),
    });
    expect(names(staging)).toEqual(names(prod));
    const a = planResources(prod);
    const b = planResources(staging);
    expect(b.queues).toHaveLength(a.queues.length);
    for (const q of b.queues) expect(a.queues).not.toContain(q);
    for (const bucket of b.buckets) expect(a.buckets).not.toContain(bucket);
    expect(b.hyperdrive?.name).toBe("nooble-staging-db");
    expect(staging.ratelimits[0]?.namespace_id).not.toBe(prod.ratelimits[0]?.namespace_id);
    for (const c of staging.queues.consumers ?? [])
      expect(c.dead_letter_queue).toBe("nooble-dlq-staging");
  });
});

describe("provisioning against the Cloudflare API", () => {
  it("creates every missing resource once, and a second run creates nothing and finds the same Hyperdrive config", async () => {
    fake = await startFakeCloudflare(TOKEN, ACCOUNT);
    fake.queues.push("nooble-conversation-staging");
    const api = new CloudflareApi(TOKEN, ACCOUNT, fake.url);
    const plan = planResources(read("staging"));

    const first = await provision(api, plan, DB, () => {});
    expect(first.existing).toEqual(["queue nooble-conversation-staging"]);
    expect(first.created).toHaveLength(plan.queues.length - 1 + 1 + 1);
    expect([...fake.queues].sort()).toEqual(plan.queues);
    expect(fake.buckets).toEqual(["nooble-documents-staging"]);
    expect(fake.hyperdrive).toEqual([
      {
        id: first.hyperdriveId,
        name: "nooble-staging-db",
        origin: {
          scheme: "postgres",
          host: "db.example.com",
          port: 6543,
          database: "postgres",
          user: "nooble",
          password: "s3cret",
        },
      },
    ]);

    const before = fake.requests.length;
    const again = await provision(
      api,
      { ...plan, hyperdrive: { name: "nooble-staging-db", id: first.hyperdriveId } },
      undefined,
      () => {},
    );
    expect(again.created).toEqual([]);
    expect(again.hyperdriveId).toBe(first.hyperdriveId);
    expect(fake.requests.slice(before).every((r) => r.startsWith("GET "))).toBe(true);
    expect(fake.queues).toHaveLength(plan.queues.length);
  });

  it("reads every page of a long queue list before deciding what is missing", async () => {
    fake = await startFakeCloudflare(TOKEN, ACCOUNT);
    fake.queues.push("other-1", "other-2", "other-3", "nooble-dlq", "other-4");
    const report = await provision(
      new CloudflareApi(TOKEN, ACCOUNT, fake.url),
      planResources(read()),
      DB,
      () => {},
    );
    expect(report.existing).toContain("queue nooble-dlq");
    expect(fake.queues.filter((q) => q === "nooble-dlq")).toHaveLength(1);
  });

  it("says what to set when the Hyperdrive config is missing and no DATABASE_URL is given", async () => {
    fake = await startFakeCloudflare(TOKEN, ACCOUNT);
    await expect(
      provision(
        new CloudflareApi(TOKEN, ACCOUNT, fake.url),
        planResources(read()),
        undefined,
        () => {},
      ),
    ).rejects.toThrow(/set DATABASE_URL/);
  });

  it("passes on the API's own reason when the token is refused", async () => {
    fake = await startFakeCloudflare(TOKEN, ACCOUNT);
    await expect(
      provision(new CloudflareApi("wrong", ACCOUNT, fake.url), planResources(read()), DB, () => {}),
    ).rejects.toThrow("GET queues?page=1&per_page=100: HTTP 403: Authentication error [10000]");
  });
});

describe("writing the Hyperdrive id", () => {
  it("sets the id of the named environment's block only", () => {
    const toml = [
      "[[hyperdrive]]",
      'binding = "HYPERDRIVE"',
      'id = "000"',
      "",
      "[env.staging]",
      "[[env.staging.hyperdrive]]",
      'binding = "HYPERDRIVE"',
      "# note",
      'id = "000"',
      "",
    ].join("\n");
    const staging = withHyperdriveId(toml, "staging", "abc");
    expect(staging.split("\n")[2]).toBe('id = "000"');
    expect(staging.split("\n")[8]).toBe('id = "abc"');
    expect(withHyperdriveId(toml, null, "def").split("\n")[2]).toBe('id = "def"');
    expect(() => withHyperdriveId(toml, "preview", "x")).toThrow(
      /no \[\[env.preview.hyperdrive\]\] block/,
    );
  });
});
