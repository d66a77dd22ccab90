/**
 * The few Cloudflare API v4 calls `npm run provision` makes (queues, R2 buckets, Hyperdrive
 * configs), authorised by an API token. Hand-written with fetch rather than the `cloudflare`
 * SDK: the SDK is 120 MB installed for six calls, and these endpoints are stable. Every
 * answer is parsed against the v4 envelope `{success, errors, result, result_info}`.
 */
import { z } from "zod";

export const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

const Envelope = z.object({
  success: z.boolean(),
  errors: z.array(z.object({ code: z.number().optional(), message: z.string() })).default([]),
  result: z.unknown(),
  result_info: z
    .object({ page: z.number().optional(), total_pages: z.number().optional() })
    .partial()
    .nullish(),
});

export class CloudflareApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const QueueSchema = z.object({ queue_id: z.string(), queue_name: z.string() });
const BucketSchema = z.object({ name: z.string() });
const HyperdriveSchema = z.object({ id: z.string(), name: z.string() });
export type HyperdriveConfig = z.infer<typeof HyperdriveSchema>;

/** What Hyperdrive needs to reach the database, from a postgres:// URL. */
export interface HyperdriveOrigin {
  scheme: "postgres" | "postgresql";
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

export function originFromUrl(connectionString: string): HyperdriveOrigin {
  const url = new URL(connectionString);
  const scheme = url.protocol.replace(/:$/, "");
  if (scheme !== "postgres" && scheme !== "postgresql")
    throw new Error(`DATABASE_URL must be a postgres:// URL (got ${scheme}:).`);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!url.hostname || !database || !url.username)
    throw new Error(
      "DATABASE_URL must name a host, a user and a database: postgres://user:password@host:5432/database",
    );
  return {
    scheme,
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    database,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

export class CloudflareApi {
  private readonly token: string;
  private readonly accountId: string;
  private readonly base: string;

  constructor(token: string, accountId: string, base = CLOUDFLARE_API) {
    this.token = token;
    this.accountId = accountId;
    this.base = base;
  }

  async listQueueNames(): Promise<Set<string>> {
    return new Set((await this.listPages("queues", QueueSchema)).map((q) => q.queue_name));
  }

  async createQueue(name: string): Promise<void> {
    await this.call("POST", "queues", { queue_name: name });
  }

  /** Whether the account has this bucket (a 404 answer means it does not). */
  async bucketExists(name: string): Promise<boolean> {
    try {
      BucketSchema.parse(await this.call("GET", `r2/buckets/${encodeURIComponent(name)}`));
      return true;
    } catch (error) {
      if (error instanceof CloudflareApiError && error.status === 404) return false;
      throw error;
    }
  }

  async createBucket(name: string): Promise<void> {
    await this.call("POST", "r2/buckets", { name });
  }

  async listHyperdriveConfigs(): Promise<HyperdriveConfig[]> {
    return this.listPages("hyperdrive/configs", HyperdriveSchema);
  }

  async createHyperdriveConfig(name: string, origin: HyperdriveOrigin): Promise<HyperdriveConfig> {
    return HyperdriveSchema.parse(await this.call("POST", "hyperdrive/configs", { name, origin }));
  }

  private async listPages<T>(path: string, item: z.ZodType<T>): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const { result, info } = await this.request("GET", `${path}?page=${page}&per_page=100`);
      const items = z.array(item).parse(result);
      all.push(...items);
      if (items.length === 0 || !info?.total_pages || page >= info.total_pages) return all;
    }
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    return (await this.request(method, path, body)).result;
  }

  private async request(method: string, path: string, body?: unknown) {
    const response = await fetch(`${this.base}/accounts/${this.accountId}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const parsed = Envelope.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw new CloudflareApiError(
        response.status,
        `${method} ${path}: HTTP ${response.status} with an answer that is not the Cloudflare API's`,
      );
    if (!response.ok || !parsed.data.success) {
      const reasons = parsed.data.errors
        .map((e) => (e.code ? `${e.message} [${e.code}]` : e.message))
        .join("; ");
      throw new CloudflareApiError(
        response.status,
        `${method} ${path}: HTTP ${response.status}: ${reasons || "failed"}`,
      );
    }
    return { result: parsed.data.result, info: parsed.data.result_info };
  }
}
