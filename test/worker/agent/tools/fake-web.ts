/**
 * A small web for fetch_page tests (no network here): a DNS-over-HTTPS resolver answering
 * from a table, and pages served by URL. Every request is recorded, so a test can check that a
 * refused URL was never asked for, not even its host's address.
 */
import { DEFAULT_DOH_URL } from "../../../../workers/ingestion/dns-resolve.ts";

export type Page = Response | ((init: RequestInit) => Promise<Response>);

export function fakeWeb(dns: Record<string, string[]>, pages: Record<string, Page>) {
  const requests: string[] = [];
  const fetch: typeof globalThis.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.href.startsWith(DEFAULT_DOH_URL)) {
      const name = url.searchParams.get("name") ?? "";
      const type = url.searchParams.get("type");
      requests.push(`dns ${name} ${type}`);
      const addresses = (dns[name] ?? []).filter((a) => a.includes(":") === (type === "AAAA"));
      return Promise.resolve(
        Response.json({
          Status: name in dns ? 0 : 3,
          Answer: addresses.map((data) => ({ name, type: type === "A" ? 1 : 28, data })),
        }),
      );
    }
    requests.push(`get ${url.href}`);
    const page = pages[url.href];
    if (page === undefined) return Promise.resolve(new Response("Not found", { status: 404 }));
    return typeof page === "function" ? page(init) : Promise.resolve(page.clone());
  };
  return { fetch, requests };
}

export const html = (body: string, headers: Record<string, string> = {}) =>
  new Response(body, { headers: { "content-type": "text/html; charset=utf-8", ...headers } });

export const redirect = (location: string) =>
  new Response(null, { status: 302, headers: { location } });
