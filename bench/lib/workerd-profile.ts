/**
 * CPU profile of the Worker's isolate over a stretch of a bench, through workerd's inspector
 * (Chrome DevTools protocol): the functions that took the most CPU, by self time. For finding
 * where the product's time goes; BENCH_CHAT_PROFILE=1 turns it on in bench:chat.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

export interface ProfileSummary {
  total_ms: number;
  idle_ms: number;
  top: { fn: string; self_ms: number }[];
}

export async function startProfile(
  inspectorHost: string,
  workerName: string,
): Promise<() => Promise<ProfileSummary>> {
  const targets = (await (await fetch(`http://${inspectorHost}/json`)).json()) as {
    id: string;
    title?: string;
    webSocketDebuggerUrl?: string;
  }[];
  const target =
    targets.find((t) => t.title?.includes(workerName) && !t.title.includes("proxy")) ?? targets[0];
  if (!target?.webSocketDebuggerUrl)
    throw new Error(`no inspector target for ${workerName}: ${JSON.stringify(targets)}`);
  // wrangler's inspector proxy refuses upgrades without an allowed Origin (undici takes headers here).
  const ws = new WebSocket(target.webSocketDebuggerUrl, {
    headers: { origin: "http://localhost" },
  } as unknown as string[]);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", reject, { once: true });
  });
  let nextId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.addEventListener("message", (ev: MessageEvent) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = ++nextId;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  return async () => {
    const { profile } = (await call("Profiler.stop")) as { profile: Profile };
    ws.close();
    const samples = profile.samples?.length ?? 0;
    const total = (profile.endTime - profile.startTime) / 1000;
    const perSample = samples ? total / samples : 0;
    const byFn = new Map<string, number>();
    const parent = new Map<number, ProfileNode>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
    const name = (n: ProfileNode) =>
      `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}`;
    let idle = 0;
    for (const n of profile.nodes) {
      const ms = (n.hitCount ?? 0) * perSample;
      const f = n.callFrame;
      if (f.functionName === "(idle)") idle += ms;
      // A runtime function (no script) is named with its JS caller: "exec" alone says little.
      const caller =
        f.url === "" && f.functionName && !f.functionName.startsWith("(")
          ? parent.get(n.id)
          : undefined;
      const key = caller ? `${name(n)} <- ${name(caller)}` : name(n);
      byFn.set(key, (byFn.get(key) ?? 0) + ms);
    }
    const top = [...byFn]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 40)
      .map(([fn, ms]) => ({ fn, self_ms: +ms.toFixed(1) }));
    return { total_ms: +total.toFixed(1), idle_ms: +idle.toFixed(1), top };
  };
}
