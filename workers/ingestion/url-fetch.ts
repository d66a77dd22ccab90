/**
 * Fetches a document an owner asked us to ingest by URL, refusing anything that is not a
 * public http(s) address (server-side request forgery guard).
 *
 * Why the checks matter on Workers: Cloudflare's production `fetch` cannot reach private
 * networks, loopback or cloud metadata endpoints anyway, and it ignores custom ports on
 * https. `wrangler dev`, `vitest` under workerd and any self-hosted workerd run on a real
 * machine, where `http://127.0.0.1:5432/` or `http://169.254.169.254/` are live. So the
 * decision is made here, the same everywhere.
 *
 * Decisions are made on the URL text only: Workers have no DNS API, so a public-looking
 * name that resolves to a private address (`127.0.0.1.nip.io`, a domain the attacker points
 * at 10.0.0.1, DNS rebinding between check and connect) cannot be detected. Well-known
 * wildcard/rebinding DNS services are refused by name as defence in depth, which narrows
 * but does not close that gap; production's network isolation is what closes it.
 *
 * IPv4 in any form the WHATWG URL parser accepts (decimal `2130706433`, octal `0177.0.0.1`,
 * hex `0x7f.1`, short `127.1`, percent-encoded, full-width digits) is canonicalised by
 * `new URL()` to a dotted quad before we look at it; IPv6 is canonicalised to compressed hex
 * groups. Any numeric-looking host that is not canonical after parsing is refused rather
 * than guessed at.
 */

/** Why a URL fetch failed; the ingest route maps these to 400 / 413 responses. */
export type UrlFetchErrorCode = "URL_NOT_ALLOWED" | "URL_FETCH_FAILED" | "URL_TOO_LARGE" | "URL_TIMEOUT";

/** A URL that cannot be ingested, with a message the owner can act on (no internals). */
export class UrlFetchError extends Error {
  readonly code: UrlFetchErrorCode;
  constructor(code: UrlFetchErrorCode, userMessage: string) {
    super(userMessage);
    this.name = "UrlFetchError";
    this.code = code;
  }
}

/** The verdict on one URL: the parsed URL to fetch, or why it is refused. */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** The fetch signature we need; injected by tests. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

export interface UrlFetchOptions {
  /** Largest body accepted, in bytes (default 50 MB). */
  maxBytes?: number;
  /** Deadline for the whole exchange, redirects and body included (default 15 s). */
  timeoutMs?: number;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  fetch?: FetchFn;
}

/** A fetched document, ready for sniffing and parsing. */
export interface FetchedDocument {
  bytes: Uint8Array;
  /** The remote's Content-Type header ("" when absent); a hint only, content decides the kind. */
  contentType: string;
  /** The URL the body came from, after redirects. */
  finalUrl: string;
  /** From Content-Disposition, else the last path segment, else the host name. */
  filename: string;
}

/**
 * Explicit ports allowed besides the scheme's default. 8080/8443 are common for public
 * document servers; everything else (22, 25, 5432, 6379, 9200...) is what an attacker
 * would probe on an internal host, so it is refused.
 */
const ALLOWED_PORTS = new Set(["80", "443", "8080", "8443"]);

/** Suffixes (and exact names) that never name a public document server. */
const BLOCKED_NAME_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ["localhost", "it names this machine (localhost)"],
  ["metadata.google.internal", "it is a cloud metadata service"],
  ["local", "it is a local-network (.local) name"],
  ["internal", "it is a private-network (.internal) name"],
  ["home.arpa", "it is a home-network (.home.arpa) name"],
  ["arpa", "it is an infrastructure (.arpa) name"],
  ["localdomain", "it is a private-network (.localdomain) name"],
  ["lan", "it is a private-network (.lan) name"],
  ["intranet", "it is a private-network (.intranet) name"],
  ["corp", "it is a private-network (.corp) name"],
  ["home", "it is a private-network (.home) name"],
  ["test", "it is a reserved (.test) name"],
  ["invalid", "it is a reserved (.invalid) name"],
];

/** Wildcard DNS services that map any name to any IP (127.0.0.1.nip.io -> 127.0.0.1) or rebind. */
const REBINDING_SUFFIXES = ["nip.io", "sslip.io", "xip.io", "localtest.me", "lvh.me", "vcap.me", "localhost.direct", "traefik.me", "1u.ms", "rbndr.us"];

/** IPv4 special-purpose blocks (IANA registry) that are never a public document server. */
const BLOCKED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "an unspecified (0.0.0.0/8) address"],
  ["10.0.0.0", 8, "a private (10.0.0.0/8) address"],
  ["100.64.0.0", 10, "a carrier-grade NAT (100.64.0.0/10) address"],
  ["127.0.0.0", 8, "a loopback (127.0.0.0/8) address"],
  ["169.254.169.254", 32, "the cloud metadata service address"],
  ["169.254.0.0", 16, "a link-local (169.254.0.0/16) address"],
  ["172.16.0.0", 12, "a private (172.16.0.0/12) address"],
  ["192.0.0.0", 24, "an IETF protocol (192.0.0.0/24) address"],
  ["192.0.2.0", 24, "a documentation (192.0.2.0/24) address"],
  ["192.88.99.0", 24, "a 6to4 relay (192.88.99.0/24) address"],
  ["192.168.0.0", 16, "a private (192.168.0.0/16) address"],
  ["198.18.0.0", 15, "a benchmarking (198.18.0.0/15) address"],
  ["198.51.100.0", 24, "a documentation (198.51.100.0/24) address"],
  ["203.0.113.0", 24, "a documentation (203.0.113.0/24) address"],
  ["168.63.129.16", 32, "a cloud platform (Azure host) address"],
  ["224.0.0.0", 4, "a multicast (224.0.0.0/4) address"],
  ["255.255.255.255", 32, "the broadcast address"],
  ["240.0.0.0", 4, "a reserved (240.0.0.0/4) address"],
];

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Decides from the URL text alone whether it may be fetched (see the header comment). */
export function checkUrl(raw: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("it is not a complete web address (expected https://...)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return refuse(`only http and https addresses can be fetched, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "") return refuse("addresses with a user name or password in them are not accepted");
  if (url.port !== "" && !ALLOWED_PORTS.has(url.port)) return refuse(`port ${url.port} is not allowed (use the default port, 80, 443, 8080 or 8443)`);

  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const reason = host.startsWith("[") ? ipv6Refusal(host.slice(1, -1)) : DOTTED_QUAD.test(host) ? ipv4Refusal(host) : nameRefusal(host);
  return reason === null ? { ok: true, url } : refuse(`${url.hostname} is not a public address: ${reason}`);
}

/**
 * Fetches a public URL with redirects re-checked one by one, a deadline for the whole
 * exchange and a byte cap enforced both on Content-Length and while streaming.
 */
export async function fetchPublicUrl(raw: string, options: UrlFetchOptions = {}): Promise<FetchedDocument> {
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 5;
  // Called as a plain function: an unbound reference to the Workers fetch throws "Illegal invocation".
  const doFetch: FetchFn = options.fetch ?? ((input, init) => fetch(input, init));

  const first = checkUrl(raw);
  if (!first.ok) throw new UrlFetchError("URL_NOT_ALLOWED", `This URL cannot be ingested: ${first.reason}.`);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let current = first.url;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await untilAborted(
        doFetch(current.href, {
          method: "GET",
          redirect: "manual",
          signal: controller.signal,
          headers: {
            "user-agent": "Nooble-Ingest/1.0 (document ingestion)",
            accept: "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/html, text/markdown, text/csv, text/plain, */*;q=0.5",
          },
        }),
        controller.signal,
      );
      if (isRedirect(response.status)) {
        discard(response);
        current = nextHop(response, current, redirects, maxRedirects);
        continue;
      }
      if (!response.ok) {
        discard(response);
        throw new UrlFetchError("URL_FETCH_FAILED", statusMessage(response, current));
      }
      const declared = Number(response.headers.get("content-length") ?? "");
      if (Number.isFinite(declared) && declared > maxBytes) {
        discard(response);
        throw tooLarge(current, maxBytes, `is ${formatBytes(declared)}`);
      }
      const bytes = await readCapped(response, maxBytes, controller.signal, current);
      return {
        bytes,
        contentType: response.headers.get("content-type") ?? "",
        finalUrl: current.href,
        filename: filenameFor(response.headers.get("content-disposition"), current),
      };
    }
  } catch (err) {
    if (err instanceof UrlFetchError) throw err;
    if (controller.signal.aborted) {
      throw new UrlFetchError("URL_TIMEOUT", `${current.host} did not send the document within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}; try again later or upload the file instead.`);
    }
    throw new UrlFetchError("URL_FETCH_FAILED", `Could not download from ${current.host}: ${briefly(err)}. Check the address, or upload the file instead.`);
  } finally {
    clearTimeout(timer);
  }
}

function refuse(reason: string): UrlCheck {
  return { ok: false, reason };
}

function nameRefusal(host: string): string | null {
  if (host === "") return "it has no host name";
  const last = host.slice(host.lastIndexOf(".") + 1);
  // The URL parser turns numeric hosts into dotted quads or rejects them; anything else numeric is not trusted.
  if (/^(0x[0-9a-f]*|\d+)$/.test(last)) return "it is an unusual numeric address";
  for (const [suffix, why] of BLOCKED_NAME_SUFFIXES) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return why;
  }
  for (const suffix of REBINDING_SUFFIXES) {
    if (host === suffix || host.endsWith(`.${suffix}`)) return `${suffix} maps names to arbitrary (including private) IP addresses`;
  }
  if (!host.includes(".")) return "single-label names (intranet hosts, metadata) are not public";
  return null;
}

function ipv4ToInt(dotted: string): number {
  return dotted.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function ipv4FromInt(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function ipv4Refusal(dotted: string): string | null {
  const why = classifyV4(ipv4ToInt(dotted));
  return why === null ? null : `it is ${why}`;
}

function classifyV4(n: number): string | null {
  for (const [base, bits, why] of BLOCKED_V4) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToInt(base);
    if (n >= start && n < start + size) return why;
  }
  return null;
}

/** IPv6 in the parser's canonical form (or any RFC 4291 text form) to 8 groups, or null. */
function parseIpv6(text: string): number[] | null {
  let body = text;
  const tail: number[] = [];
  if (text.includes(".")) {
    const cut = text.lastIndexOf(":") + 1;
    const v4 = text.slice(cut);
    if (!DOTTED_QUAD.test(v4)) return null;
    const n = ipv4ToInt(v4);
    tail.push(n >>> 16, n & 0xffff);
    body = text.slice(0, cut);
    if (!body.endsWith("::")) body = body.slice(0, -1);
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string | undefined) => (s === undefined || s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 ? known !== 8 : known > 7) return null;
  const zeros = new Array<number>(8 - known).fill(0);
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail];
}

function ipv6Refusal(text: string): string | null {
  const g = parseIpv6(text);
  if (g === null) return "it is an IPv6 address that could not be read";
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const embedded = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const viaV4 = (kind: string, n: number) => {
    const why = classifyV4(n);
    return why === null ? null : `it is ${kind} of ${ipv4FromInt(n)}, which is ${why}`;
  };
  const upper6Zero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upper6Zero && g5 === 0 && g6 === 0 && g7 === 0) return "it is the unspecified address (::)";
  if (upper6Zero && g5 === 0 && g6 === 0 && g7 === 1) return "it is the loopback address (::1)";
  if (upper6Zero && g5 === 0xffff) return viaV4("an IPv4-mapped address", embedded(g6, g7));
  if (upper6Zero && g5 === 0) return `it is a deprecated IPv4-compatible address (${ipv4FromInt(embedded(g6, g7))})`;
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return viaV4("a NAT64 address", embedded(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return "it is a local-use NAT64 (64:ff9b:1::/48) address";
  if (g0 === 0x2002) return viaV4("a 6to4 address", embedded(g1, g2));
  if (g0 === 0x2001 && g1 === 0) return "it is a Teredo tunnel (2001::/32) address";
  if (g0 === 0x2001 && g1 === 0x0db8) return "it is a documentation (2001:db8::/32) address";
  if (g0 === 0x2001 && g1 < 0x0200) return "it is an IETF protocol (2001::/23) address";
  if (g0 === 0x3fff && g1 < 0x1000) return "it is a documentation (3fff::/20) address";
  if ((g0 & 0xfe00) === 0xfc00) return "it is a unique-local (fc00::/7) address";
  if ((g0 & 0xffc0) === 0xfe80) return "it is a link-local (fe80::/10) address";
  if ((g0 & 0xffc0) === 0xfec0) return "it is a site-local (fec0::/10) address";
  if ((g0 & 0xff00) === 0xff00) return "it is a multicast (ff00::/8) address";
  if ((g0 & 0xe000) !== 0x2000) return "it is not a global unicast (2000::/3) address";
  return null;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Where a redirect leads, re-checked as strictly as the first URL. */
function nextHop(response: Response, current: URL, followed: number, maxRedirects: number): URL {
  if (followed >= maxRedirects) {
    throw new UrlFetchError("URL_FETCH_FAILED", `The URL redirected more than ${maxRedirects} times; link directly to the document instead.`);
  }
  const location = response.headers.get("location");
  if (location === null || location.trim() === "") {
    throw new UrlFetchError("URL_FETCH_FAILED", `${current.host} answered a redirect (HTTP ${response.status}) without saying where to.`);
  }
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new UrlFetchError("URL_FETCH_FAILED", `${current.host} redirected to an address that is not valid.`);
  }
  const check = checkUrl(next.href);
  if (!check.ok) throw new UrlFetchError("URL_NOT_ALLOWED", `The URL redirected to an address that cannot be fetched: ${check.reason}.`);
  return check.url;
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` never settles. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

async function readCapped(response: Response, maxBytes: number, signal: AbortSignal, url: URL): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(url, maxBytes, "is larger than that");
      parts.push(value);
    }
  } catch (err) {
    void reader.cancel().catch(() => undefined);
    throw err;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** Releases a body we will not read, so the connection is not held open. */
function discard(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}

function tooLarge(url: URL, maxBytes: number, what: string): UrlFetchError {
  return new UrlFetchError("URL_TOO_LARGE", `The document at ${url.host} ${what}; the limit is ${formatBytes(maxBytes)}.`);
}

function statusMessage(response: Response, url: URL): string {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const hint =
    response.status === 401 || response.status === 403
      ? "the document needs a login; share a public link or upload the file instead"
      : response.status === 404 || response.status === 410
        ? "check the address"
        : response.status === 429 || response.status >= 500
          ? "try again later"
          : "check the address or upload the file instead";
  return `${url.host} answered ${status} for this URL; ${hint}.`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round((n / 1024) * 10) / 10} KB`;
  return `${n} bytes`;
}

/** The first line of an error's message, short and without a stack. */
function briefly(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const line = (message.split("\n")[0] ?? "").trim().replace(/\.+$/, "");
  return line === "" ? "the connection failed" : line.slice(0, 200);
}

function filenameFor(disposition: string | null, url: URL): string {
  const fromHeader = disposition === null ? "" : dispositionFilename(disposition);
  if (fromHeader !== "") return fromHeader;
  const segment = url.pathname.split("/").filter((s) => s !== "").pop() ?? "";
  return cleanFilename(safeDecode(segment)) || url.hostname.replace(/\.+$/, "");
}

/** RFC 6266: `filename*=UTF-8''...` wins over `filename="..."`. */
function dispositionFilename(disposition: string): string {
  const extended = /filename\*\s*=\s*([\w-]*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended?.[2] !== undefined) {
    const name = cleanFilename(safeDecode(extended[2].trim()));
    if (name !== "") return name;
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(disposition);
  if (quoted?.[1] !== undefined) return cleanFilename(quoted[1].replace(/\\(.)/g, "$1"));
  const bare = /filename\s*=\s*([^;\s]+)/i.exec(disposition);
  return bare?.[1] !== undefined ? cleanFilename(bare[1]) : "";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A base name only: no directories, control characters or leading dots; at most 200 characters. */
function cleanFilename(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? "";
  return base
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .replace(/^\.+/, "")
    .slice(0, 200);
}
