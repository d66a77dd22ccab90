/**
 * Starts the public page's one API request while its scripts load. `/{username}` renders
 * nothing until GET /api/v1/public/profiles/{username} answers, and the page's code asks for
 * it only once the app shell and the page's chunk have loaded and run: that request used to
 * start last, after every script. A small inline script in index.html sends the same request
 * as soon as the HTML is parsed; the answer is cacheable (`cache-control: public, max-age=30`,
 * workers/api/routes/public.ts), so the browser's HTTP cache hands it to the page's own fetch
 * (which waits for it if still under way) instead of a second request.
 *
 * Only paths that can be a username (shared/username.ts: the pattern, not a reserved name) are
 * requested, so app pages send nothing.
 */
import type { Plugin } from "vite";
import { RESERVED_USERNAMES, USERNAME_PATTERN } from "../../shared/username.ts";

/** The inline script's source: plain ES5-level JavaScript, no imports. */
export function profilePreloadScript(): string {
  const name = USERNAME_PATTERN.source.replace(/^\^/, "").replace(/\$$/, "");
  return [
    "(function () {",
    `  var m = /^\\/(${name})\\/?$/.exec(location.pathname);`,
    `  var reserved = ${JSON.stringify([...RESERVED_USERNAMES])};`,
    "  if (!m || reserved.indexOf(m[1]) >= 0) return;",
    '  fetch("/api/v1/public/profiles/" + m[1], { headers: { accept: "application/json" } })',
    "    .catch(function () {});",
    "})();",
  ].join("\n");
}

/**
 * The Vite plugin: the script goes right after `<title>`, before the style sheet (a classic
 * script after a style sheet waits for it to load) and after `<meta charset>`.
 */
export function profileDataPreload(): Plugin {
  return {
    name: "nooble:profile-data-preload",
    transformIndexHtml: {
      order: "pre",
      handler(html) {
        if (!html.includes("</title>")) throw new Error("index.html has no <title> to follow");
        return html.replace(
          "</title>",
          `</title>\n    <script>\n${profilePreloadScript()}\n</script>`,
        );
      },
    },
  };
}
