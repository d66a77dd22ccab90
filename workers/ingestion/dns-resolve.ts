/**
 * Host name to IP addresses over DNS over HTTPS (the JSON form Cloudflare's and Google's
 * resolvers answer, `accept: application/dns-json`). Workers have no DNS API; asking a DoH
 * resolver is how the Worker learns where a name points before it fetches from it, so a
 * public-looking name that resolves to 127.0.0.1 or 10.0.0.1 is refused (url-fetch.ts).
 *
 * Hand-written because it is one GET and a schema: DNS libraries speak the binary wire format
 * (RFC 8484), which the JSON API spares us.
 */
import { z } from "zod";

/** Host name in, every A and AAAA address out (empty when the name has none). Throws DnsLookupError. */
export type Resolver = (host: string) => Promise<string[]>;

export const DEFAULT_DOH_URL = "https://cloudflare-dns.com/dns-query";

/** DNS RR types asked for: A and AAAA. Answers also carry the CNAME chain (type 5), skipped. */
const RECORD_TYPES = { A: 1, AAAA: 28 } as const;
/** DNS RCODEs: 0 NOERROR, 3 NXDOMAIN (the name does not exist: no addresses, not a failure). */
const NOERROR = 0;
const NXDOMAIN = 3;

const DohAnswerSchema = z.object({
  Status: z.number().int(),
  Answer: z
    .array(z.object({ name: z.string(), type: z.number().int(), data: z.string() }))
    .optional(),
});

/** The resolver could not be asked or did not answer usefully: the lookup's outcome is unknown. */
export class DnsLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DnsLookupError";
  }
}

export interface DohOptions {
  /** The resolver's JSON endpoint (default Cloudflare's 1.1.1.1 service). */
  url?: string;
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  signal?: AbortSignal;
}

/** A Resolver asking a DoH JSON endpoint for A and AAAA records in parallel. */
export function dohResolver(options: DohOptions = {}): Resolver {
  const endpoint = options.url ?? DEFAULT_DOH_URL;
  // Called as a plain function: an unbound reference to the Workers fetch throws "Illegal invocation".
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const ask = async (host: string, type: keyof typeof RECORD_TYPES): Promise<string[]> => {
    const url = new URL(endpoint);
    url.searchParams.set("name", host);
    url.searchParams.set("type", type);
    let response: Response;
    try {
      response = await doFetch(url.href, {
        method: "GET",
        headers: { accept: "application/dns-json" },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      throw new DnsLookupError(
        `the DNS resolver could not be reached (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => undefined);
      throw new DnsLookupError(`the DNS resolver answered HTTP ${response.status}`);
    }
    const parsed = DohAnswerSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new DnsLookupError("the DNS resolver's answer could not be read");
    if (parsed.data.Status === NXDOMAIN) return [];
    if (parsed.data.Status !== NOERROR)
      throw new DnsLookupError(`the DNS lookup failed (DNS status ${parsed.data.Status})`);
    return (parsed.data.Answer ?? [])
      .filter((a) => a.type === RECORD_TYPES[type])
      .map((a) => a.data.trim());
  };
  return async (host) => {
    const [v4, v6] = await Promise.all([ask(host, "A"), ask(host, "AAAA")]);
    return [...v4, ...v6];
  };
}
