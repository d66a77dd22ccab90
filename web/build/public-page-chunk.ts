/**
 * One chunk (and so one CSS file) for everything the public profile page needs beyond the app
 * shell. Left to itself the bundler splits that into a chunk per combination of importers:
 * eleven scripts and two style sheets for a visitor's first render, each one more request
 * after the shell has loaded. Modules the shell loads stay in the shell; modules owner pages
 * share with the public page (the API client, the chat panel) come with this chunk there too.
 */
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
 * A code-splitting group's `name`: "public" for a module the page at `pagePath` imports
 * (statically, at any depth) that the shell entry at `shellPath` does not.
 */
export function publicPageChunk(shellPath: string, pagePath: string) {
  let shell: Set<string> | undefined;
  let page: Set<string> | undefined;
  return (id: string, graph: ModuleGraph): string | null => {
    shell ??= staticClosure(graph, shellPath);
    page ??= staticClosure(graph, pagePath);
    if (shell.has(id)) return "shell";
    return page.has(id) ? "public" : null;
  };
}
