/**
 * What the server tells the browser about itself (GET /api/v1/client-config): which sign-in
 * to offer (Supabase when configured, the development sign-in otherwise). Fetched once.
 */
import { ClientConfigSchema, type ClientConfig } from "../../../shared/api/client-config.ts";

let pending: Promise<ClientConfig> | undefined;

export function clientConfig(): Promise<ClientConfig> {
  pending ??= fetch("/api/v1/client-config", { headers: { accept: "application/json" } })
    .then(async (r) => {
      if (!r.ok) throw new Error(`client-config answered ${r.status}`);
      return ClientConfigSchema.parse(await r.json());
    })
    .catch((err: unknown) => {
      pending = undefined; // try again next time
      throw err;
    });
  return pending;
}
