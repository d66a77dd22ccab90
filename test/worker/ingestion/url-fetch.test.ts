/**
 * URL ingestion's SSRF guard and fetch, run in workerd so the Workers URL parser is the one
 * that canonicalises every address form. The remote side is a fake fetch: no network.
 */
import { describe, expect, it } from "vitest";
import { checkUrl, fetchPublicUrl, UrlFetchError } from "../../../workers/ingestion/url-fetch.ts";
import type { FetchFn } from "../../../workers/ingestion/url-fetch.ts";
import type { Resolver } from "../../../workers/ingestion/dns-resolve.ts";

/** [address, words the refusal must contain]. */
const REFUSED: Array<[string, string]> = [
  ["file:///etc/passwd", "only http and https"],
  ["ftp://example.com/doc.pdf", "only http and https"],
  ["gopher://example.com:70/_stats", "only http and https"],
  ["data:text/plain,hello", "only http and https"],
  ["javascript:alert(1)", "only http and https"],
  ["example.com/doc.pdf", "not a complete web address"],
  ["http://127.0.0.1:80@evil.com/", "user name or password"],
  ["https://user:secret@example.com/doc.pdf", "user name or password"],
  ["http://example.com:22/", "port 22"],
  ["http://example.com:6379/", "port 6379"],
  ["http://localhost/", "localhost"],
  ["http://LOCALHOST/", "localhost"],
  ["http://localhost./", "localhost"],
  ["http://localhost:8080/", "localhost"],
  ["http://api.localhost/", "localhost"],
  ["http://%6c%6fcalhost/", "localhost"],
  ["http://ⓛocalhost/", "localhost"],
  ["http://printer.local/", ".local"],
  ["http://db.internal./", ".internal"],
  ["http://metadata.google.internal/computeMetadata/v1/", "metadata"],
  ["http://metadata/", "single-label"],
  ["http://fileserver/", "single-label"],
  ["http://router.home.arpa/", ".home.arpa"],
  ["http://10.0.0.1.nip.io/", "nip.io"],
  ["http://127.0.0.1.sslip.io/", "sslip.io"],
  ["http://app.localtest.me/", "localtest.me"],
  ["http://lvh.me/", "lvh.me"],
  ["http://127.0.0.1/", "loopback"],
  ["http://127.255.255.254/", "loopback"],
  ["http://2130706433/", "loopback"],
  ["http://0x7f000001/", "loopback"],
  ["http://0177.0.0.1/", "loopback"],
  ["http://017700000001/", "loopback"],
  ["http://0x7f.1/", "loopback"],
  ["http://127.1/", "loopback"],
  ["http://127.0.0.1./", "loopback"],
  ["http://127.0.0.%31/", "loopback"],
  ["http://１２７.０.０.１/", "loopback"],
  ["http://127.0.0.1\\@evil.com/", "loopback"],
  ["http://0/", "unspecified"],
  ["http://0.0.0.0:8080/", "unspecified"],
  ["http://10.0.0.1/", "private"],
  ["http://172.16.0.1/", "private"],
  ["http://172.31.255.255/", "private"],
  ["http://192.168.1.1/", "private"],
  ["http://100.64.0.1/", "carrier-grade NAT"],
  ["http://100.100.100.200/latest/meta-data/", "carrier-grade NAT"],
  ["http://169.254.169.254/latest/meta-data/", "metadata"],
  ["http://169.254.1.1/", "link-local"],
  ["http://192.0.0.192/", "IETF protocol"],
  ["http://192.0.2.10/", "documentation"],
  ["http://198.18.0.1/", "benchmarking"],
  ["http://224.0.0.1/", "multicast"],
  ["http://240.0.0.1/", "reserved"],
  ["http://255.255.255.255/", "broadcast"],
  ["http://[::1]/", "loopback"],
  ["http://[0:0:0:0:0:0:0:1]:80/", "loopback"],
  ["http://[::]/", "unspecified"],
  ["http://[::ffff:127.0.0.1]/", "IPv4-mapped address of 127.0.0.1"],
  ["http://[::ffff:7f00:1]/", "IPv4-mapped address of 127.0.0.1"],
  ["http://[::ffff:10.0.0.1]/", "IPv4-mapped address of 10.0.0.1"],
  ["http://[::ffff:169.254.169.254]/", "metadata"],
  ["http://[::127.0.0.1]/", "IPv4-compatible"],
  ["http://[fe80::1]/", "link-local"],
  ["http://[fec0::1]/", "site-local"],
  ["http://[fd00::1]/", "unique-local"],
  ["http://[fd00:ec2::254]/", "unique-local"],
  ["http://[fc00::1]/", "unique-local"],
  ["http://[ff02::1]/", "multicast"],
  ["http://[64:ff9b::10.0.0.1]/", "NAT64 address of 10.0.0.1"],
  ["http://[64:ff9b::7f00:1]/", "NAT64 address of 127.0.0.1"],
  ["http://[2002:7f00:1::]/", "6to4 address of 127.0.0.1"],
  ["http://[2002:c0a8:101::1]/", "6to4 address of 192.168.1.1"],
  ["http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"],
  ["http://[2001:db8::1]/", "documentation"],
];

const ACCEPTED = [
  "https://example.com/doc.pdf",
  "https://EXAMPLE.com./Doc.pdf",
  "http://93.184.216.34/",
  "https://[2606:4700::1111]/",
  "http://[::ffff:93.184.216.34]/",
  "https://[64:ff9b::8.8.8.8]/",
  "http://172.32.0.1/",
  "http://100.128.0.1/",
  "http://example.com:8080/report.csv",
  "https://docs.example.org:8443/a/b?x=1#part",
];

describe("checkUrl", () => {
  it.each(REFUSED)("refuses %s", (raw, words) => {
    const verdict = checkUrl(raw);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toContain(words);
  });

  it.each(ACCEPTED)("accepts the public address %s", (raw) => {
    expect(checkUrl(raw)).toMatchObject({ ok: true });
  });
});

/** Every name resolves to one public address (example.com's): the host checks pass. */
const publicDns: Resolver = () =>
  Promise.resolve(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);

type Reply = Response | (() => Promise<Response>);

/** A fake remote: answers by URL, records every request, fails on anything unexpected. */
function fakeRemote(routes: Record<string, Reply>) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch: FetchFn = (url, init) => {
    calls.push({ url, init });
    const reply = routes[url];
    if (reply === undefined) return Promise.reject(new TypeError(`unexpected request to ${url}`));
    return typeof reply === "function" ? reply() : Promise.resolve(reply);
  };
  return { fetch, calls };
}

const redirect = (location: string, status = 302) =>
  new Response(null, { status, headers: { location } });

async function failure(promise: Promise<unknown>): Promise<UrlFetchError> {
  const err: unknown = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UrlFetchError))
    throw new Error(`expected a UrlFetchError, got ${String(err)}`);
  return err;
}

/** A body that yields `chunk` forever, counting what was pulled and whether it was cancelled. */
function endlessBody(chunk: Uint8Array) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

describe("fetchPublicUrl", () => {
  it("follows public redirects manually and returns the body, type, final URL and file name", async () => {
    const remote = fakeRemote({
      "https://example.com/share": redirect("https://cdn.example.net/files/Q3%20report.pdf", 301),
      "https://cdn.example.net/files/Q3%20report.pdf": new Response("%PDF-1.7", {
        headers: { "content-type": "application/pdf" },
      }),
    });
    const doc = await fetchPublicUrl("https://example.com/share", {
      fetch: remote.fetch,
      resolve: publicDns,
    });
    expect(new TextDecoder().decode(doc.bytes)).toBe("%PDF-1.7");
    expect(doc).toMatchObject({
      contentType: "application/pdf",
      finalUrl: "https://cdn.example.net/files/Q3%20report.pdf",
      filename: "Q3 report.pdf",
    });
    expect(remote.calls.map((c) => c.init.redirect)).toEqual(["manual", "manual"]);
  });

  it("takes the file name from Content-Disposition, preferring filename*", async () => {
    const disposition = `attachment; filename="fallback.txt"; filename*=UTF-8''Pr%C3%A9sentation%20finale.docx`;
    const remote = fakeRemote({
      "https://example.com/dl?id=7": new Response("x", {
        headers: { "content-disposition": disposition },
      }),
    });
    expect(
      (
        await fetchPublicUrl("https://example.com/dl?id=7", {
          fetch: remote.fetch,
          resolve: publicDns,
        })
      ).filename,
    ).toBe("Présentation finale.docx");
  });

  it("refuses a private first URL without making any request", async () => {
    const remote = fakeRemote({});
    const err = await failure(
      fetchPublicUrl("http://169.254.169.254/latest/meta-data/", {
        fetch: remote.fetch,
        resolve: publicDns,
      }),
    );
    expect(err.code).toBe("URL_NOT_ALLOWED");
    expect(remote.calls).toHaveLength(0);
  });

  it("refuses a redirect to a private address and never requests it", async () => {
    const remote = fakeRemote({
      "https://example.com/doc": redirect("http://[::ffff:127.0.0.1]:8080/admin"),
    });
    const err = await failure(
      fetchPublicUrl("https://example.com/doc", { fetch: remote.fetch, resolve: publicDns }),
    );
    expect(err.code).toBe("URL_NOT_ALLOWED");
    expect(err.message).toContain("redirected to an address that cannot be fetched");
    expect(remote.calls.map((c) => c.url)).toEqual(["https://example.com/doc"]);
  });

  it("resolves relative redirects against the current URL and re-checks them", async () => {
    const remote = fakeRemote({
      "https://example.com/a/start": redirect("../files/doc.txt", 307),
      "https://example.com/files/doc.txt": new Response("hello"),
      "https://example.com/sneaky": redirect("//169.254.169.254/latest/meta-data/"),
    });
    expect(
      (
        await fetchPublicUrl("https://example.com/a/start", {
          fetch: remote.fetch,
          resolve: publicDns,
        })
      ).finalUrl,
    ).toBe("https://example.com/files/doc.txt");
    expect(
      (
        await failure(
          fetchPublicUrl("https://example.com/sneaky", { fetch: remote.fetch, resolve: publicDns }),
        )
      ).code,
    ).toBe("URL_NOT_ALLOWED");
  });

  it("follows up to maxRedirects hops and refuses one more", async () => {
    const chain = (length: number) => {
      const routes: Record<string, Reply> = {
        [`https://example.com/${length}`]: new Response("end"),
      };
      for (let i = 0; i < length; i++) routes[`https://example.com/${i}`] = redirect(`/${i + 1}`);
      return fakeRemote(routes);
    };
    expect(
      (
        await fetchPublicUrl("https://example.com/0", {
          maxRedirects: 3,
          fetch: chain(3).fetch,
          resolve: publicDns,
        })
      ).finalUrl,
    ).toBe("https://example.com/3");
    const err = await failure(
      fetchPublicUrl("https://example.com/0", {
        maxRedirects: 3,
        fetch: chain(4).fetch,
        resolve: publicDns,
      }),
    );
    expect(err.code).toBe("URL_FETCH_FAILED");
    expect(err.message).toContain("more than 3 times");
  });

  it("refuses a declared Content-Length over the cap without reading the body", async () => {
    const { body, seen } = endlessBody(new Uint8Array(1024));
    const remote = fakeRemote({
      "https://example.com/big.pdf": new Response(body, {
        headers: { "content-length": String(10 * 1024 * 1024) },
      }),
    });
    const err = await failure(
      fetchPublicUrl("https://example.com/big.pdf", {
        maxBytes: 1024 * 1024,
        fetch: remote.fetch,
        resolve: publicDns,
      }),
    );
    expect(err.code).toBe("URL_TOO_LARGE");
    expect(err.message).toContain("10 MB");
    expect(seen.pulled).toBeLessThanOrEqual(1024);
  });

  it("stops streaming and cancels the body once it passes the cap", async () => {
    const { body, seen } = endlessBody(new Uint8Array(64 * 1024));
    const remote = fakeRemote({ "https://example.com/stream": new Response(body) });
    const err = await failure(
      fetchPublicUrl("https://example.com/stream", {
        maxBytes: 200 * 1024,
        fetch: remote.fetch,
        resolve: publicDns,
      }),
    );
    expect(err.code).toBe("URL_TOO_LARGE");
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThan(1024 * 1024);
  });

  it("times out a remote that never answers, aborting the request", async () => {
    let signal: AbortSignal | undefined;
    const hang: FetchFn = (_url, init) =>
      new Promise((_resolve, reject) => {
        signal = init.signal ?? undefined;
        signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
      });
    const err = await failure(
      fetchPublicUrl("https://example.com/slow", {
        timeoutMs: 20,
        fetch: hang,
        resolve: publicDns,
      }),
    );
    expect(err.code).toBe("URL_TIMEOUT");
    expect(signal?.aborted).toBe(true);
  });

  it("times out a body that stalls after the headers", async () => {
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new Uint8Array(10)) });
    const remote = fakeRemote({ "https://example.com/stall": new Response(stalled) });
    expect(
      (
        await failure(
          fetchPublicUrl("https://example.com/stall", {
            timeoutMs: 20,
            fetch: remote.fetch,
            resolve: publicDns,
          }),
        )
      ).code,
    ).toBe("URL_TIMEOUT");
  });

  it("names the remote's HTTP status when it is not a success", async () => {
    const remote = fakeRemote({
      "https://example.com/gone.pdf": new Response("nope", {
        status: 404,
        statusText: "Not Found",
      }),
    });
    const err = await failure(
      fetchPublicUrl("https://example.com/gone.pdf", { fetch: remote.fetch, resolve: publicDns }),
    );
    expect(err.code).toBe("URL_FETCH_FAILED");
    expect(err.message).toBe(
      "example.com answered HTTP 404 Not Found for this URL; check the address.",
    );
  });

  it("reports a network failure as one line naming the host, without a stack", async () => {
    const remote = fakeRemote({
      "https://example.com/x": () =>
        Promise.reject(new TypeError("Network connection lost.\n    at internal")),
    });
    const err = await failure(
      fetchPublicUrl("https://example.com/x", { fetch: remote.fetch, resolve: publicDns }),
    );
    expect(err.code).toBe("URL_FETCH_FAILED");
    expect(err.message).toBe(
      "Could not download from example.com: Network connection lost. Check the address, or upload the file instead.",
    );
  });
});
