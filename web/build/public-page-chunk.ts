/**
 * Two chunks for a visitor's first render of a public profile page: the app shell (everything
 * index.html loads, in one file with the entry) and the page (everything it needs beyond the
 * shell, in one file, so one style sheet too). Left to itself the bundler splits both by who
 * imports what: the shell was three scripts, and the page eleven scripts and two style sheets,
 * each one more request on the way to the first render. Owner pages import what they share
 * with the public page (the API client, the chat panel) from the page's chunk.
 */
import { basename } from "node:path";

type ModuleGraph = {
  getModuleInfo(id: string): { importedIds: readonly string[] } | null;
};

/** The static imports reachable from `start` (itself included). */
function staticClosure(graph: ModuleGraph, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(graph.getModuleInfo(id)?.importedIds ?? []));
  }
  return seen;
}

/**
 * A code-splitting group's `name`: "shell" for a module the HTML entry at `entryPath` imports
 * (statically, at any depth; they end in the entry chunk, `index-*.js`), and for one the page at
 * `pagePath` imports beyond those, the page's file name (`PublicProfilePage-*.js`, the name
 * scripts/bundle-size.ts looks for).
 */
export function publicPageChunk(entryPath: string, pagePath: string) {
  const pageName = basename(pagePath).replace(/\.\w+$/, "");
  let shell: Set<string> | undefined;
  let page: Set<string> | undefined;
  return (id: string, graph: ModuleGraph): string | null => {
    shell ??= staticClosure(graph, entryPath);
    page ??= staticClosure(graph, pagePath);
    if (shell.size < 2 || page.size < 2)
      throw new Error(`public page chunk: ${entryPath} or ${pagePath} is not in the module graph`);
    if (shell.has(id)) return "shell";
    return page.has(id) ? pageName : null;
  };
}
