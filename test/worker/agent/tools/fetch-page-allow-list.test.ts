/**
 * fetch_page's reach: only the owner's websites and their subdomains (case-insensitive, never
 * a look-alike), at the first URL and at every redirect hop, and always behind URL ingestion's
 * guard, so a listed name pointing at a private address is refused too. A refused URL is never
 * requested, nor is its host looked up.
 */
import { describe, expect, it } from "vitest";
import { fetchPageTool, isAllowed } from "../../../../workers/agent/tools/fetch-page.ts";
import { builtinToolContext, toolRefusal } from "./builtin-tool-context.ts";
import { fakeWeb, html, redirect } from "./fake-web.ts";
import type { Page } from "./fake-web.ts";

const DNS = {
  "example.com": ["93.184.215.14"],
  "docs.example.com": ["93.184.215.15", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
  "intranet.example.com": ["10.0.0.5"],
  "evil.example": ["203.0.113.9"],
};

function open(url: string, pages: Record<string, Page>, domains = ["example.com"]) {
  const web = fakeWeb(DNS, pages);
  const outcome = fetchPageTool(domains).run({ url }, builtinToolContext({ fetch: web.fetch }));
  return { outcome, requests: web.requests };
}

describe("fetch_page's allowed websites", () => {
  it("matches a listed domain and its subdomains, in any case, and nothing that only looks alike", () => {
    const list = ["example.com"];
    expect(isAllowed("example.com", list)).toBe(true);
    expect(isAllowed("Docs.EXAMPLE.com.", list)).toBe(true);
    expect(isAllowed("a.b.example.com", list)).toBe(true);
    expect(isAllowed("example.com.evil.net", list)).toBe(false);
    expect(isAllowed("evilexample.com", list)).toBe(false);
    expect(isAllowed("example.co", list)).toBe(false);
    expect(isAllowed("com", list)).toBe(false);
  });

  it("reads a page on a subdomain of an allowed domain, the list written in any case", async () => {
    const { outcome } = open(
      "HTTPS://Docs.Example.COM/guide",
      { "https://docs.example.com/guide": html("<title>Guide</title><p>Step one.</p>") },
      ["Example.COM"],
    );
    expect((await outcome).summary).toBe("Opened docs.example.com/guide");
  });

  it.each([
    ["https://other.org/", "other.org"],
    ["https://example.com.evil.net/", "example.com.evil.net"],
    ["https://evilexample.com/", "evilexample.com"],
  ])("refuses %s without looking it up or requesting it", async (url, host) => {
    const { outcome, requests } = open(url, {});
    expect(await toolRefusal(outcome)).toBe(
      `This page cannot be opened: ${host} is not one of the websites this agent may read (example.com).`,
    );
    expect(requests).toEqual([]);
  });

  it("refuses a URL whose user name makes it look like an allowed one", async () => {
    const { outcome, requests } = open("https://example.com@evil.example/", {});
    expect(await toolRefusal(outcome)).toMatch(
      /^This page cannot be opened: addresses with a user name/,
    );
    expect(requests).toEqual([]);
  });

  it("follows a redirect within the allowed websites", async () => {
    const { outcome } = open("https://example.com/docs", {
      "https://example.com/docs": redirect("https://docs.example.com/"),
      "https://docs.example.com/": html("<title>Docs</title><p>Welcome.</p>"),
    });
    const result = await outcome;
    expect(result.content).toMatch(
      /^URL: https:\/\/docs\.example\.com\/\nTitle: Docs\n\(Redirected from https:\/\/example\.com\/docs\)/,
    );
  });

  it("refuses a redirect to a website that is not allowed, and never requests it", async () => {
    const { outcome, requests } = open("https://example.com/out", {
      "https://example.com/out": redirect("https://evil.example/collect"),
    });
    expect(await toolRefusal(outcome)).toBe(
      "The URL redirected to an address that cannot be fetched: evil.example is not one of the websites this agent may read (example.com).",
    );
    expect(requests.filter((r) => r.includes("evil.example"))).toEqual([]);
  });

  it("refuses a redirect to localhost or a private address by the ingestion guard", async () => {
    const local = open("https://example.com/r", {
      "https://example.com/r": redirect("http://127.0.0.1:8080/admin"),
    });
    expect(await toolRefusal(local.outcome)).toMatch(
      /^The URL redirected to an address that cannot be fetched: 127\.0\.0\.1 is not a public address/,
    );
    const intranet = open("https://example.com/i", {
      "https://example.com/i": redirect("https://intranet.example.com/"),
    });
    expect(await toolRefusal(intranet.outcome)).toBe(
      "The URL redirected to an address that cannot be fetched: intranet.example.com resolves to 10.0.0.5, which is not a public address: it is a private (10.0.0.0/8) address.",
    );
    expect(intranet.requests).not.toContain("get https://intranet.example.com/");
  });

  it("refuses localhost even when the owner's list names it", async () => {
    const { outcome, requests } = open("http://localhost/", {}, ["localhost"]);
    expect(await toolRefusal(outcome)).toMatch(
      /^This page cannot be opened: localhost is not a public/,
    );
    expect(requests).toEqual([]);
  });

  it("tells the model which websites it may read", () => {
    const tool = fetchPageTool(["example.com", "docs.acme.org"]);
    expect(tool.spec.description).toMatch(/Allowed websites: example\.com, docs\.acme\.org\.$/);
    expect(tool.spec.name).toBe("fetch_page");
  });
});
