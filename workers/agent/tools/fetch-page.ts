/**
 * The fetch_page tool: reads a public web page as text, only on the websites the agent's owner
 * allowed (a listed domain or any subdomain of it).
 *
 * The page is fetched by URL ingestion's fetch (workers/ingestion/url-fetch.ts), so the same
 * server-side request forgery guard applies: the URL's text, where its host resolves, and
 * every redirect hop are checked, and here every hop must also stay on the allowed websites.
 * The read is capped (the first MAX_PAGE_BYTES are read, the rest is left) and so is the time
 * (FETCH_TIMEOUT_MS, and the loop's signal). The text goes to the model cut at
 * MAX_CONTENT_CHARS, prefixed by its URL and title; the loop marks tool results as data, so a
 * page saying "ignore your instructions" is just text here.
 */
import { DEFAULT_DOH_URL, dohResolver } from "../../ingestion/dns-resolve.ts";
import { fetchPublicUrl, UrlFetchError } from "../../ingestion/url-fetch.ts";
import type { FetchedDocument } from "../../ingestion/url-fetch.ts";
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolArguments } from "../../../shared/tools.ts";
import { pageText } from "./page-text.ts";
import { ToolError } from "./types.ts";
import type { AgentTool, ToolContext, ToolOutcome } from "./types.ts";

/** Bytes of a page read; a longer page is read up to here (HTML parses fine when cut). */
export const MAX_PAGE_BYTES = 1024 * 1024;
/** Characters of page text the model gets (about 2,000 tokens). */
export const MAX_CONTENT_CHARS = 8_000;
/** The fetch's own deadline, under the tool's so the page's host is named when it is slow. */
const FETCH_TIMEOUT_MS = 8_000;
const TOOL_TIMEOUT_MS = 10_000;
const DETAIL_CHARS = 400;
const SHOWN_DOMAINS = 10;

type FetchPageArgs = ToolArguments<"fetch_page">;

/** fetch_page for an agent whose owner allowed these websites (execution_config.tools). */
export function fetchPageTool(allowedDomains: string[]): AgentTool<FetchPageArgs> {
  const domains = allowedDomains.map(normalizeDomain).filter((d) => d !== "");
  return {
    spec: {
      name: "fetch_page",
      description: `${TOOL_DESCRIPTIONS.fetch_page} Allowed websites: ${listed(domains)}.`,
      parameters: toolParameters(TOOL_ARGUMENTS.fetch_page),
    },
    args: TOOL_ARGUMENTS.fetch_page,
    describeCall: ({ url }) => `Opening ${shortUrl(url)}`,
    run: (args, ctx) => readPage(args.url, domains, ctx),
    timeoutMs: TOOL_TIMEOUT_MS,
  };
}

async function readPage(url: string, domains: string[], ctx: ToolContext): Promise<ToolOutcome> {
  const allowUrl = (candidate: URL): string | null =>
    isAllowed(candidate.hostname, domains)
      ? null
      : `${candidate.hostname} is not one of the websites this agent may read (${listed(domains)})`;
  let fetched: FetchedDocument;
  try {
    fetched = await fetchPublicUrl(url, {
      fetch: (input, init) => ctx.fetch(input, init),
      resolve: dohResolver({
        url: ctx.env.DNS_RESOLVER_URL || DEFAULT_DOH_URL,
        fetch: (input, init) => ctx.fetch(input, init),
        signal: ctx.signal,
      }),
      signal: ctx.signal,
      allowUrl,
      maxBytes: MAX_PAGE_BYTES,
      truncate: true,
      timeoutMs: FETCH_TIMEOUT_MS,
      wording: { refused: "This page cannot be opened", otherwise: null },
    });
  } catch (err) {
    if (ctx.signal.aborted)
      throw new ToolError(
        `The time for reading ${shortUrl(url)} ran out before the page arrived; answer without it or try once more.`,
      );
    if (err instanceof UrlFetchError) throw new ToolError(err.message);
    throw err;
  }
  const page = pageText(fetched.bytes, fetched.contentType, fetched.filename);
  const cut = page.text.length > MAX_CONTENT_CHARS;
  const text = cut ? cutAtWord(page.text, MAX_CONTENT_CHARS) : page.text;
  const shown = cut ? `${text} …` : text;
  const notes = [
    ...(fetched.finalUrl !== new URL(url).href ? [`(Redirected from ${url})`] : []),
    ...(fetched.truncated
      ? [`(Only the first ${MAX_PAGE_BYTES / (1024 * 1024)} MB of the page was read.)`]
      : []),
    ...(cut
      ? [
          `(The text is cut: the first ${text.length.toLocaleString("en-US")} of ${page.text.length.toLocaleString("en-US")} characters.)`,
        ]
      : []),
  ];
  const body = text === "" ? "(The page has no readable text.)" : shown;
  const header = [`URL: ${fetched.finalUrl}`, `Title: ${page.title ?? "(none)"}`, ...notes];
  return {
    content: `${header.join("\n")}\n\n${body}`,
    summary: `Opened ${shortUrl(fetched.finalUrl)}`,
    detail: [page.title, excerpt(body)].filter((s) => s !== null).join("\n\n"),
  };
}

/** A host on the list, or a subdomain of one: `docs.example.com` for `example.com`, never `evilexample.com`. */
export function isAllowed(hostname: string, domains: string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.+$/, "");
  return domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** A domain as URL hosts are written: lower case, no trailing dot, punycode for non-ASCII names. */
function normalizeDomain(domain: string): string {
  const trimmed = domain.trim().toLowerCase().replace(/\.+$/, "");
  if (trimmed === "") return "";
  try {
    return new URL(`http://${trimmed}/`).hostname;
  } catch {
    return "";
  }
}

function listed(domains: string[]): string {
  if (domains.length === 0) return "none";
  const shown = domains.slice(0, SHOWN_DOMAINS).join(", ");
  return domains.length > SHOWN_DOMAINS
    ? `${shown} and ${domains.length - SHOWN_DOMAINS} more`
    : shown;
}

/** "example.com/pricing": host and path, for the visitor's step line. */
function shortUrl(raw: string): string {
  let short: string;
  try {
    const url = new URL(raw);
    short = `${url.host}${url.pathname === "/" ? "" : url.pathname}`;
  } catch {
    short = raw;
  }
  return short.length > 60 ? `${short.slice(0, 59)}…` : short;
}

/** At most `max` characters, ending at a word boundary when one is near. */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const space = head.search(/\s\S*$/);
  return (space > max * 0.8 ? head.slice(0, space) : head).trimEnd();
}

function excerpt(text: string): string {
  const cut = cutAtWord(text, DETAIL_CHARS);
  return cut.length < text.length ? `${cut} …` : cut;
}
