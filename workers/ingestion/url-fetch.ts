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
 * Two checks, at the first URL and at every redirect hop: the URL text (scheme, port, an
 * address written in it, names that are never public), then where the host name resolves.
 * Workers have no DNS API, so names are resolved over DNS over HTTPS (dns-resolve.ts) and
 * every A/AAAA answer must be public: `127.0.0.1.nip.io` or a domain the attacker points at
 * 10.0.0.1 is refused. What this cannot close is DNS rebinding between our lookup and the
 * runtime's own (a name answering public to us and private to fetch a moment later); in
 * production Cloudflare's network closes it, since a Worker's fetch never reaches private,
 * loopback or metadata addresses whatever the name resolves to. Well-known wildcard and
 * rebinding DNS services are also refused by name, as defence in depth.
 *
 * IPv4 in any form the WHATWG URL parser accepts (decimal `2130706433`, octal `0177.0.0.1`,
 * hex `0x7f.1`, short `127.1`, percent-encoded, full-width digits) is canonicalised by
 * `new URL()` to a dotted quad before we look at it; IPv6 is canonicalised to compressed hex
 * groups. Any numeric-looking host that is not canonical after parsing is refused rather
 * than guessed at.
 */

import type { Resolver } from "./dns-resolve.ts";
import { addressRefusal, DOTTED_QUAD, ipv4Refusal, ipv6Refusal } from "./ip-ranges.ts";

/** Why a URL fetch failed; the ingest route maps these to 400 / 413 responses. */
export type UrlFetchErrorCode =
  "URL_NOT_ALLOWED" | "URL_FETCH_FAILED" | "URL_TOO_LARGE" | "URL_TIMEOUT";

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
  /** Where each host name points; every answer must be a public address. Required: no fetch without it. */
  resolve: Resolver;
  /** The caller's own deadline (an agent tool's): aborting it ends the exchange like the timeout. */
  signal?: AbortSignal;
  /**
   * A further rule for every URL, the first and each redirect hop, checked before its host is
   * looked up (fetch_page's allowed websites): why the URL is refused, or null.
   */
  allowUrl?: (url: URL) => string | null;
  /** Past maxBytes, keep the first maxBytes and say so (`truncated`) instead of refusing. */
  truncate?: boolean;
  /** How refusals and advice are worded (default: an owner ingesting a document). */
  wording?: UrlFetchWording;
}

/** The words messages use for what the caller was doing and what else the person can do. */
export interface UrlFetchWording {
  /** Opens a refusal of the first URL: "This URL cannot be ingested". */
  refused: string;
  /** Advice added after "try again later" or "check the address", or null for none. */
  otherwise: string | null;
}

const INGEST_WORDING: UrlFetchWording = {
  refused: "This URL cannot be ingested",
  otherwise: "upload the file instead",
};

/** A fetched document, ready for sniffing and parsing. */
export interface FetchedDocument {
  bytes: Uint8Array;
  /** The remote's Content-Type header ("" when absent); a hint only, content decides the kind. */
  contentType: string;
  /** The URL the body came from, after redirects. */
  finalUrl: string;
  /** From Content-Disposition, else the last path segment, else the host name. */
  filename: string;
  /** Whether the body was cut at maxBytes (only with `truncate`). */
  truncated: boolean;
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
const REBINDING_SUFFIXES = [
  "nip.io",
  "sslip.io",
  "xip.io",
  "localtest.me",
  "lvh.me",
  "vcap.me",
  "localhost.direct",
  "traefik.me",
  "1u.ms",
  "rbndr.us",
];

/** Decides from the URL text alone whether it may be fetched (see the header comment). */
export function checkUrl(raw: string): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("it is not a complete web address (expected https://...)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return refuse(`only http and https addresses can be fetched, not ${url.protocol}`);
  if (url.username !== "" || url.password !== "")
    return refuse("addresses with a user name or password in them are not accepted");
  if (url.port !== "" && !ALLOWED_PORTS.has(url.port))
    return refuse(`port ${url.port} is not allowed (use the default port, 80, 443, 8080 or 8443)`);

  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  const reason = host.startsWith("[")
    ? ipv6Refusal(host.slice(1, -1))
    : DOTTED_QUAD.test(host)
      ? ipv4Refusal(host)
      : nameRefusal(host);
  return reason === null
    ? { ok: true, url }
    : refuse(`${url.hostname} is not a public address: ${reason}`);
}

/**
 * Fetches a public URL with redirects re-checked one by one, a deadline for the whole
 * exchange and a byte cap enforced both on Content-Length and while streaming.
 */
export async function fetchPublicUrl(
  raw: string,
  options: UrlFetchOptions,
): Promise<FetchedDocument> {
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxRedirects = options.maxRedirects ?? 5;
  const wording = options.wording ?? INGEST_WORDING;
  // Called as a plain function: an unbound reference to the Workers fetch throws "Illegal invocation".
  const doFetch: FetchFn = options.fetch ?? ((input, init) => fetch(input, init));

  const first = checkUrl(raw);
  const firstRefusal = first.ok ? options.allowUrl?.(first.url) : first.reason;
  if (!first.ok || (firstRefusal !== undefined && firstRefusal !== null))
    throw new UrlFetchError("URL_NOT_ALLOWED", `${wording.refused}: ${firstRefusal}.`);

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const abortFromCaller = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener("abort", abortFromCaller, { once: true });
  let current = first.url;
  try {
    for (let redirects = 0; ; redirects++) {
      await untilAborted(
        checkResolved(
          current,
          options.resolve,
          redirects === 0
            ? wording.refused
            : "The URL redirected to an address that cannot be fetched",
          wording,
        ),
        controller.signal,
      );
      const response = await untilAborted(
        doFetch(current.href, {
          method: "GET",
          redirect: "manual",
          signal: controller.signal,
          headers: {
            "user-agent": "Nooble-Ingest/1.0 (document ingestion)",
            accept:
              "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document, text/html, text/markdown, text/csv, text/plain, */*;q=0.5",
          },
        }),
        controller.signal,
      );
      if (isRedirect(response.status)) {
        discard(response);
        current = nextHop(response, current, redirects, maxRedirects, options.allowUrl);
        continue;
      }
      if (!response.ok) {
        discard(response);
        throw new UrlFetchError("URL_FETCH_FAILED", statusMessage(response, current, wording));
      }
      const declared = Number(response.headers.get("content-length") ?? "");
      if (Number.isFinite(declared) && declared > maxBytes && options.truncate !== true) {
        discard(response);
        throw tooLarge(current, maxBytes, `is ${formatBytes(declared)}`);
      }
      const body = await readCapped(response, maxBytes, controller.signal, current, options);
      return {
        bytes: body.bytes,
        contentType: response.headers.get("content-type") ?? "",
        finalUrl: current.href,
        filename: filenameFor(response.headers.get("content-disposition"), current),
        truncated: body.truncated,
      };
    }
  } catch (err) {
    if (err instanceof UrlFetchError) throw err;
    if (controller.signal.aborted) {
      throw new UrlFetchError(
        "URL_TIMEOUT",
        `${current.host} did not send the document within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} seconds` : `${timeoutMs} ms`}; try again later${or(" or", wording)}.`,
      );
    }
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `Could not download from ${current.host}: ${briefly(err)}. Check the address${or(", or", wording)}.`,
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abortFromCaller);
  }
}

/**
 * Refuses a host name that resolves to any non-public address (one private answer among
 * public ones is enough: the fetch could connect to either). Addresses written in the URL
 * were checked by checkUrl already. Fails closed: no answer from the resolver, no fetch.
 */
export async function checkResolved(
  url: URL,
  resolve: Resolver,
  refusal: string,
  wording: UrlFetchWording = INGEST_WORDING,
): Promise<void> {
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (host.startsWith("[") || DOTTED_QUAD.test(host)) return;
  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (err) {
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `Could not look up the address of ${host}: ${briefly(err)}. Try again later${or(", or", wording)}.`,
    );
  }
  if (addresses.length === 0)
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `${host} has no address (the name does not exist in DNS). Check the address.`,
    );
  for (const address of addresses) {
    const why = addressRefusal(address);
    if (why !== null)
      throw new UrlFetchError(
        "URL_NOT_ALLOWED",
        `${refusal}: ${host} resolves to ${address}, which is not a public address: ${why}.`,
      );
  }
}

function refuse(reason: string): UrlCheck {
  return { ok: false, reason };
}

/** The wording's advice after a joiner (", or upload the file instead"), or nothing. */
function or(joiner: string, wording: UrlFetchWording): string {
  return wording.otherwise === null ? "" : `${joiner} ${wording.otherwise}`;
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
    if (host === suffix || host.endsWith(`.${suffix}`))
      return `${suffix} maps names to arbitrary (including private) IP addresses`;
  }
  if (!host.includes(".")) return "single-label names (intranet hosts, metadata) are not public";
  return null;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Where a redirect leads, re-checked as strictly as the first URL. */
function nextHop(
  response: Response,
  current: URL,
  followed: number,
  maxRedirects: number,
  allowUrl: UrlFetchOptions["allowUrl"],
): URL {
  if (followed >= maxRedirects) {
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `The URL redirected more than ${maxRedirects} times; link directly to the document instead.`,
    );
  }
  const location = response.headers.get("location");
  if (location === null || location.trim() === "") {
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `${current.host} answered a redirect (HTTP ${response.status}) without saying where to.`,
    );
  }
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new UrlFetchError(
      "URL_FETCH_FAILED",
      `${current.host} redirected to an address that is not valid.`,
    );
  }
  const check = checkUrl(next.href);
  const refusal = check.ok ? allowUrl?.(check.url) : check.reason;
  if (!check.ok || (refusal !== undefined && refusal !== null))
    throw new UrlFetchError(
      "URL_NOT_ALLOWED",
      `The URL redirected to an address that cannot be fetched: ${refusal}.`,
    );
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

async function readCapped(
  response: Response,
  maxBytes: number,
  signal: AbortSignal,
  url: URL,
  options: Pick<UrlFetchOptions, "truncate">,
): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (response.body === null) return { bytes: new Uint8Array(0), truncated: false };
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await untilAborted(reader.read(), signal);
      if (done) break;
      if (total + value.byteLength > maxBytes) {
        if (options.truncate !== true) throw tooLarge(url, maxBytes, "is larger than that");
        parts.push(value.subarray(0, maxBytes - total));
        total = maxBytes;
        truncated = true;
        void reader.cancel().catch(() => undefined);
        break;
      }
      total += value.byteLength;
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
  return { bytes, truncated };
}

/** Releases a body we will not read, so the connection is not held open. */
function discard(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}

function tooLarge(url: URL, maxBytes: number, what: string): UrlFetchError {
  return new UrlFetchError(
    "URL_TOO_LARGE",
    `The document at ${url.host} ${what}; the limit is ${formatBytes(maxBytes)}.`,
  );
}

function statusMessage(response: Response, url: URL, wording: UrlFetchWording): string {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const hint =
    response.status === 401 || response.status === 403
      ? `the document needs a login${or("; share a public link or", wording)}`
      : response.status === 404 || response.status === 410
        ? "check the address"
        : response.status === 429 || response.status >= 500
          ? "try again later"
          : `check the address${or(" or", wording)}`;
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
  const segment =
    url.pathname
      .split("/")
      .filter((s) => s !== "")
      .pop() ?? "";
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
