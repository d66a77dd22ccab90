/**
 * Where a URL's host name points: the DNS-over-HTTPS resolver at the wire (what it asks, what
 * it makes of the answers), and fetchPublicUrl refusing a name that resolves to a private,
 * loopback, link-local or metadata address, at the first URL and at every redirect hop,
 * before any request reaches it.
 */
import { describe, expect, it } from "vitest";
import { DnsLookupError, dohResolver } from "../../../workers/ingestion/dns-resolve.ts";
import type { Resolver } from "../../../workers/ingestion/dns-resolve.ts";
import { fetchPublicUrl, UrlFetchError } from "../../../workers/ingestion/url-fetch.ts";
import type { FetchFn } from "../../../workers/ingestion/url-fetch.ts";

const dnsJson = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/dns-json" },
  });

/** A DoH endpoint answering from a table of name -> type -> answer records, recording each question. */
function fakeDoh(
  table: Record<string, { A?: string[]; AAAA?: string[]; CNAME?: string; status?: number }>,
) {
  const asked: Array<{ url: URL; accept: string | null }> = [];
  const fetch: FetchFn = (input, init) => {
    const url = new URL(input);
    asked.push({ url, accept: new Headers(init.headers).get("accept") });
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type") as "A" | "AAAA";
    const entry = table[name];
    if (!entry) return Promise.resolve(dnsJson({ Status: 3, Question: [{ name, type: 1 }] }));
    const records = [
      ...(entry.CNAME ? [{ name, type: 5, TTL: 60, data: `${entry.CNAME}.` }] : []),
      ...(entry[type] ?? []).map((data) => ({
        name: entry.CNAME ?? name,
        type: type === "A" ? 1 : 28,
        TTL: 60,
        data,
      })),
    ];
    return Promise.resolve(
      dnsJson({
        Status: entry.status ?? 0,
        TC: false,
        RD: true,
        RA: true,
        AD: false,
        CD: false,
        Answer: records,
      }),
    );
  };
  return { fetch, asked };
}

async function failure(promise: Promise<unknown>): Promise<UrlFetchError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UrlFetchError))
    throw new Error(`expected a UrlFetchError, got ${String(err)}`);
  return err;
}

/** A remote that must not be reached: records any request made to it. */
function untouchable() {
  const calls: string[] = [];
  const fetch: FetchFn = (url) => {
    calls.push(url);
    return Promise.resolve(new Response("secret internal page"));
  };
  return { fetch, calls };
}

describe("dohResolver", () => {
  it("asks for A and AAAA with accept: application/dns-json and returns both, skipping the CNAME chain", async () => {
    const doh = fakeDoh({
      "docs.example.com": {
        CNAME: "cdn.example.net",
        A: ["93.184.215.14"],
        AAAA: ["2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
      },
    });
    const addresses = await dohResolver({ url: "https://dns.example/dns-query", fetch: doh.fetch })(
      "docs.example.com",
    );
    expect(addresses).toEqual(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
    expect(
      doh.asked
        .map(
          (q) =>
            `${q.url.origin}${q.url.pathname}?${q.url.searchParams.get("name")}/${q.url.searchParams.get("type")}`,
        )
        .sort(),
    ).toEqual([
      "https://dns.example/dns-query?docs.example.com/A",
      "https://dns.example/dns-query?docs.example.com/AAAA",
    ]);
    expect(doh.asked.every((q) => q.accept === "application/dns-json")).toBe(true);
  });

  it("answers no addresses for a name that does not exist (NXDOMAIN)", async () => {
    expect(await dohResolver({ fetch: fakeDoh({}).fetch })("nowhere.example.com")).toEqual([]);
  });

  it("fails on SERVFAIL, an HTTP error, an unreadable answer and an unreachable resolver", async () => {
    const cases: FetchFn[] = [
      () => Promise.resolve(dnsJson({ Status: 2 })),
      () => Promise.resolve(new Response("busy", { status: 503 })),
      () => Promise.resolve(new Response("<html>captive portal</html>")),
      () => Promise.reject(new TypeError("Network connection lost.")),
    ];
    for (const fetch of cases) {
      const err: unknown = await dohResolver({ fetch })("example.com").then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DnsLookupError);
    }
  });
});

describe("fetchPublicUrl checks where a host name resolves", () => {
  const PRIVATE: Array<[string, { A?: string[]; AAAA?: string[] }, string]> = [
    ["loopback", { A: ["127.0.0.1"] }, "loopback"],
    ["a private range", { A: ["10.1.2.3"] }, "private"],
    ["the cloud metadata service", { A: ["169.254.169.254"] }, "metadata"],
    ["link-local", { A: ["169.254.10.10"] }, "link-local"],
    ["IPv6 loopback", { AAAA: ["::1"] }, "loopback"],
    ["IPv6 unique-local", { AAAA: ["fd00:ec2::254"] }, "unique-local"],
    ["an IPv4-mapped private address", { AAAA: ["::ffff:192.168.0.1"] }, "private"],
    ["one private address among public ones", { A: ["93.184.215.14", "10.0.0.7"] }, "private"],
  ];

  it.each(PRIVATE)(
    "refuses a name resolving to %s, without a request to it",
    async (_label, answers, words) => {
      const doh = fakeDoh({ "innocent.example.com": answers });
      const remote = untouchable();
      const err = await failure(
        fetchPublicUrl("https://innocent.example.com/report.pdf", {
          fetch: remote.fetch,
          resolve: dohResolver({ fetch: doh.fetch }),
        }),
      );
      expect(err.code).toBe("URL_NOT_ALLOWED");
      expect(err.message).toMatch(
        /^This URL cannot be ingested: innocent\.example\.com resolves to /,
      );
      expect(err.message).toContain(words);
      expect(remote.calls).toEqual([]);
    },
  );

  it("refuses a redirect to a name that resolves to a private address, at that hop", async () => {
    const doh = fakeDoh({
      "files.example.com": { A: ["93.184.215.14"] },
      "rebind.example.org": { A: ["127.0.0.1"] },
    });
    const calls: string[] = [];
    const fetch: FetchFn = (url) => {
      calls.push(url);
      return Promise.resolve(
        new Response(null, {
          status: 302,
          headers: { location: "http://rebind.example.org:8080/admin" },
        }),
      );
    };
    const err = await failure(
      fetchPublicUrl("https://files.example.com/doc", {
        fetch,
        resolve: dohResolver({ fetch: doh.fetch }),
      }),
    );
    expect(err.code).toBe("URL_NOT_ALLOWED");
    expect(err.message).toBe(
      "The URL redirected to an address that cannot be fetched: rebind.example.org resolves to 127.0.0.1, which is not a public address: it is a loopback (127.0.0.0/8) address.",
    );
    expect(calls).toEqual(["https://files.example.com/doc"]);
  });

  it("fetches nothing when the name cannot be looked up, or has no address", async () => {
    const remote = untouchable();
    const down: Resolver = () =>
      Promise.reject(new DnsLookupError("the DNS resolver answered HTTP 503"));
    const lookup = await failure(
      fetchPublicUrl("https://example.com/doc", { fetch: remote.fetch, resolve: down }),
    );
    expect(lookup.code).toBe("URL_FETCH_FAILED");
    expect(lookup.message).toBe(
      "Could not look up the address of example.com: the DNS resolver answered HTTP 503. Try again later, or upload the file instead.",
    );
    const missing = await failure(
      fetchPublicUrl("https://nowhere.example.com/doc", {
        fetch: remote.fetch,
        resolve: dohResolver({ fetch: fakeDoh({}).fetch }),
      }),
    );
    expect(missing.code).toBe("URL_FETCH_FAILED");
    expect(missing.message).toContain("has no address");
    expect(remote.calls).toEqual([]);
  });

  it("does not resolve an address written in the URL (it is checked as written)", async () => {
    const resolved: string[] = [];
    const resolve: Resolver = (host) => {
      resolved.push(host);
      return Promise.resolve(["93.184.215.14"]);
    };
    const fetch: FetchFn = () => Promise.resolve(new Response("hello"));
    await fetchPublicUrl("http://93.184.215.14/doc.txt", { fetch, resolve });
    await fetchPublicUrl("https://docs.example.com/doc.txt", { fetch, resolve });
    expect(resolved).toEqual(["docs.example.com"]);
  });
});
