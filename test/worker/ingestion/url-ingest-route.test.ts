/**
 * URL ingestion through the route (POST /api/v1/ingest {url}): every private, loopback,
 * link-local, metadata or otherwise non-public address form is refused with a clear 400
 * before any request is made, and nothing is stored. The guard itself is covered address by
 * address in url-fetch.test.ts; this proves the route uses it and cleans up.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, expectError, signIn } from "../helpers.ts";
import { documentRows, holdPipelineQueues, r2Keys } from "./pipeline.ts";

holdPipelineQueues();

const REFUSED = [
  "http://127.0.0.1/admin",
  "http://localhost:8787/api/v1/agents",
  "http://[::1]/",
  "http://0.0.0.0/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0177.0.0.1/",
  "http://127.1/",
  "http://10.0.0.1/",
  "http://172.16.5.4/",
  "http://192.168.1.1/router",
  "http://100.64.0.1/",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://[fd00:ec2::254]/latest/meta-data/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:a9fe:a9fe]/",
  "http://[fe80::1]/",
  "http://[64:ff9b::10.0.0.1]/",
  "http://127.0.0.1.nip.io/",
  "http://printer.local/",
  "http://user:pass@example.com/doc.pdf",
  "http://example.com:6379/",
  "file:///etc/passwd",
  "gopher://127.0.0.1:6379/_FLUSHALL",
  "ftp://example.com/doc.pdf",
];

afterEach(() => {
  vi.restoreAllMocks();
});

describe("URL ingestion through the route", () => {
  it(`refuses ${REFUSED.length} non-public address forms with 400, fetching and storing nothing`, async () => {
    const owner = await signIn();
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    for (const url of REFUSED) {
      const error = await expectError(
        await api("/api/v1/ingest", { method: "POST", token: owner.token, json: { url } }),
        400,
        "URL_NOT_ALLOWED",
      );
      expect(error.message, url).toMatch(/^This URL cannot be ingested: /);
      expect(error.fields?.[0]?.field, url).toBe("url");
    }
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await documentRows(owner.userId)).toEqual([]);
    expect(await r2Keys(owner.userId)).toEqual([]);
  });

  it("refuses a URL and content sent together, and a URL that is not a URL", async () => {
    const owner = await signIn();
    await expectError(
      await api("/api/v1/ingest", {
        method: "POST",
        token: owner.token,
        json: { url: "https://example.com/a.txt", content: "hello" },
      }),
      400,
      "VALIDATION_FAILED",
    );
    await expectError(
      await api("/api/v1/ingest", {
        method: "POST",
        token: owner.token,
        json: { url: "not a url" },
      }),
      400,
      "URL_NOT_ALLOWED",
    );
    expect(await documentRows(owner.userId)).toEqual([]);
  });

  it("asks DNS over HTTPS where the host points and refuses a name resolving to loopback, fetching nothing from it", async () => {
    const owner = await signIn();
    const requested: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation((input: RequestInfo | URL) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      requested.push(url.origin + url.pathname);
      if (url.origin === "https://cloudflare-dns.com") {
        const type = url.searchParams.get("type");
        const answer =
          type === "A"
            ? [{ name: "docs.attacker.example", type: 1, TTL: 0, data: "127.0.0.1" }]
            : [];
        return Promise.resolve(Response.json({ Status: 0, Answer: answer }));
      }
      return Promise.resolve(new Response("internal admin page"));
    });
    const error = await expectError(
      await api("/api/v1/ingest", {
        method: "POST",
        token: owner.token,
        json: { url: "http://docs.attacker.example:8080/page" },
      }),
      400,
      "URL_NOT_ALLOWED",
    );
    expect(error.message).toBe(
      "This URL cannot be ingested: docs.attacker.example resolves to 127.0.0.1, which is not a public address: it is a loopback (127.0.0.0/8) address.",
    );
    expect(requested.filter((u) => !u.startsWith("https://cloudflare-dns.com"))).toEqual([]);
    expect(requested).toContain("https://cloudflare-dns.com/dns-query");
    expect(await documentRows(owner.userId)).toEqual([]);
    expect(await r2Keys(owner.userId)).toEqual([]);
  });
});
