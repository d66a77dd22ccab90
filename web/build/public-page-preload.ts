/**
 * Starts everything a public page's first render needs as soon as index.html is parsed. Until
 * then, `/{username}` loaded in three rounds, each waiting for the last: the app shell, then
 * the page's chunk (once the shell had run and the router had matched), then
 * GET /api/v1/public/profiles/{username} (once the page's code had run). An inline script now
 * asks for the page's chunk and style sheet (`modulepreload`, `preload`) and for the profile
 * right away, beside the shell:
 * - the router's later `import()` of the chunk and Vite's loading of its style sheet find them
 *   already loaded or on their way (Vite's helper skips a chunk some <link> already names);
 * - the profile answer is cacheable (`cache-control: public, max-age=30`,
 *   workers/api/routes/public.ts), so the browser's HTTP cache answers the page's own request
 *   (waiting for this one if it is still under way) instead of asking the Worker again.
 *
 * Only paths that can be a username (shared/username.ts: the pattern, not a reserved name) get
 * any of this, so app pages load nothing more.
 */
import type { OutputBundle, OutputChunk } from "rolldown";
import type { Plugin } from "vite";
import { RESERVED_USERNAMES, USERNAME_PATTERN } from "../../shared/username.ts";

/** The inline script: plain JavaScript, no imports; `scripts`/`styles` are URLs to preload. */
export function publicPagePreloadScript(scripts: string[], styles: string[]): string {
  const name = USERNAME_PATTERN.source.replace(/^\^/, "").replace(/\$$/, "");
  return [
    "(function () {",
    `  var m = /^\\/(${name})\\/?$/.exec(location.pathname);`,
    `  var reserved = ${JSON.stringify([...RESERVED_USERNAMES])};`,
    "  if (!m || reserved.indexOf(m[1]) >= 0) return;",
    "  function link(rel, href, as) {",
    '    var l = document.createElement("link");',
    "    l.rel = rel;",
    "    l.href = href;",
    '    l.crossOrigin = "";',
    "    if (as) l.as = as;",
    "    document.head.appendChild(l);",
    "  }",
    `  ${JSON.stringify(scripts)}.forEach(function (s) { link("modulepreload", s); });`,
    `  ${JSON.stringify(styles)}.forEach(function (s) { link("preload", s, "style"); });`,
    '  fetch("/api/v1/public/profiles/" + m[1], { headers: { accept: "application/json" } })',
    "    .catch(function () {});",
    "})();",
  ].join("\n");
}

/** The page's chunk and the chunks it imports (not the HTML entry's), with their style sheets. */
function pageFiles(bundle: OutputBundle, pagePath: string) {
  const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === "chunk");
  const page = chunks.find((c) => c.moduleIds.includes(pagePath));
  if (!page) throw new Error(`public page preload: no chunk holds ${pagePath}`);
  const files = [page, ...chunks.filter((c) => page.imports.includes(c.fileName) && !c.isEntry)];
  return {
    scripts: files.map((c) => `/${c.fileName}`),
    styles: [...new Set(files.flatMap((c) => [...(c.viteMetadata?.importedCss ?? [])]))].map(
      (f) => `/${f}`,
    ),
  };
}

/**
 * The Vite plugin, for the page module at `pagePath`. The script goes right after `<title>`:
 * after `<meta charset>`, and before the style sheet (a classic script after a style sheet
 * waits for it to load).
 */
export function publicPagePreload(pagePath: string): Plugin {
  return {
    name: "nooble:public-page-preload",
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        if (!ctx.bundle) return html; // the dev server: nothing is bundled
        if (!html.includes("</title>")) throw new Error("index.html has no <title> to follow");
        const { scripts, styles } = pageFiles(ctx.bundle, pagePath);
        const script = publicPagePreloadScript(scripts, styles);
        return html.replace("</title>", `</title>\n    <script>\n${script}\n</script>`);
      },
    },
  };
}
