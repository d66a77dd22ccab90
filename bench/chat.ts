/**
 * Chat streaming through the product: time to first token and per-chunk relay delay, against
 * the same local OpenAI-compatible server called straight from Node (the baseline, measured in
 * the same run), plus a correctness check under load (errors, lost chunks).
 *
 * The Worker runs as `wrangler dev` runs it (bench/lib/wrangler-dev.ts: wrangler's DevEnv, with
 * workerd fetching the provider itself; BENCH_CHAT_RUNNER=test-harness measures through
 * wrangler's createTestHarness instead, whose outbound fetches detour through this process),
 * with its own embedded Postgres (PGlite in a child process). Product path per turn:
 * WebSocket `chat_message` -> ChatSession DO (stores the message and task, starts the answer
 * at once; its alarm is the one watchdog) -> OpenAI SDK (request) and
 * workers/llm/sse-batches.ts (body) -> fake server; the tokens of each network read go back as
 * one `chat_streaming` before they are written (chunks are stored in batches).
 *
 * Two kinds of load. Closed loop (the ttft, relay and load phases): each session sends its next
 * message the moment an answer ends. From 20 sessions on this keeps workerd's one thread busy,
 * so a message waits behind the other sessions' turns: time to first token grows with
 * sessions x CPU per turn (the CPU table, from /proc). Paced (the paced phase): visitors pause
 * before each message, as people do, and the same pauses are used for the baseline.
 *
 * The physical baseline of CPU: the minimal relay (bench/relay/worker.ts, a Worker and a Durable
 * Object that stream the same fake LLM and forward each read as a frame), in its own workerd,
 * driven by the same clients through a twin of each of the ttft20, relay20, paced and load
 * phases, run right after it; the CPU per turn of both sides comes from /proc in the same run
 * and is reported as product / minimal (goal <= 2.0). The product runs as bench/counting/
 * worker.ts (its entry wrapped with billing counters) and reaches Postgres through a counting
 * proxy, so the Cloudflare cost of 1,000 turns is priced from counts of the run
 * (lib/cost-model.ts). BENCH_WHATIF prices proposed changes (see the counting entry).
 *
 * Everything is on 127.0.0.1; every loop is bounded and every wait has a timeout; the process
 * stops by itself. Exit code 1 on errors or lost chunks (never on timing: targets are printed
 * for information). Figures also go to bench/results/chat.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import postgres from "postgres";
import { createTestHarness } from "wrangler";
import { startDevWorker } from "./lib/wrangler-dev.ts";
import { startProfile } from "./lib/workerd-profile.ts";
import type { WorkerLog } from "./lib/wrangler-dev.ts";
import { startFakeOpenAI } from "./lib/openai-compatible-server.ts";
import type { StreamRecord } from "./lib/openai-compatible-server.ts";
import { startPostgresProcess } from "./lib/postgres-process.ts";
import { startPgCountProxy } from "./lib/pg-count-proxy.ts";
import { startMinimalRelay } from "./lib/minimal-relay.ts";
import { costOf1000Turns, formatCostTable, PRICES_AS_OF } from "./lib/cost-model.ts";
import { cpuByProcess, cpuSince } from "./lib/process-cpu.ts";
import { classifyWorkerd, cpuRatios, perTurnCounts } from "./lib/chat-costs.ts";
import type { PhaseFigures } from "./lib/chat-costs.ts";
import { percentile } from "./lib/stats.ts";

const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 5);
/** Turns per session at a time-to-first-token level: at least 20 samples per level (1 session: 20 turns). */
const ttftTurns = (sessions: number) => Math.max(TURNS, Math.ceil(20 / sessions));
const LEVELS = (process.env.BENCH_CHAT_LEVELS ?? "1,20,100").split(",").map(Number);
const RELAY_LEVELS = [1, 20];
const RELAY_DELAY_MS = 20;
/**
 * The paced phase: 20 visitors who each pause before every message (reading, typing: a
 * pause drawn uniformly from 0.5-1.5 s, the same seeded sequence for the product and the
 * baseline), with tokens every RELAY_DELAY_MS. Every other phase is a closed loop with no
 * pause: each session sends its next message the moment an answer ends, which keeps workerd's
 * single thread saturated from 20 sessions on (see the CPU table).
 */
const PACED_SESSIONS = Number(process.env.BENCH_CHAT_PACED_SESSIONS ?? 20);
const THINK_MS: [number, number] = [500, 1500];
/** A seeded pause generator (mulberry32), so every run and both sides draw the same pauses. */
function thinkTimes(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return THINK_MS[0] + u * (THINK_MS[1] - THINK_MS[0]);
  };
}
const LOAD_SESSIONS = Number(process.env.BENCH_CHAT_LOAD_SESSIONS ?? 100);
const TOKENS_PER_ANSWER = Number(process.env.BENCH_CHAT_TOKENS ?? 60);
const TURN_TIMEOUT_MS = 30_000;
const SETUP_TIMEOUT_MS = 30_000;
const SETUP_PARALLELISM = 10;
const HARD_LIMIT_MS = 10 * 60_000;
/**
 * The product phases that get a twin on the minimal relay (the warm-up too, unmeasured): the
 * closed loop at 20 sessions, the 20-session relay, the paced visitors and the 100-session load.
 * The 1- and 100-session time-to-first-token levels and the 1-session relay have none, to keep
 * the run bounded (a twin costs the phase's wall time again).
 */
const TWINS = new Set(["warm", "ttft20", "relay20", "paced", "load"]);
/**
 * Between phases the bench waits until the conversation consumer has stored the previous turns
 * (2 messages a turn) or has stopped making progress, so that work does not land in the next
 * phase's figures.
 */
const SETTLE_MAX_MS = 30_000;
const SETTLE_STABLE_MS = 2_000;
/** How long a product phase waits for its turns' queue messages to be delivered (see settleDeliveries). */
const DELIVERY_MAX_MS = 10_000;
/** Without the counters, how long a phase waits for its turns' conversation batch (up to 1 s). */
const DELIVERY_WAIT_MS = 2_000;
/** For experiments: another wrangler config (e.g. a patched copy of the Worker) to measure the same way. */
const CONFIG_PATH =
  process.env.BENCH_CHAT_CONFIG ?? new URL("../wrangler.toml", import.meta.url).pathname;
const SECRET = "bench-secret-0123456789abcdef0123456789";
const SESSION_SECRET = "bench-session-secret-0123456789abcdef0123";
const TARGETS = {
  added_ttft_p50_ms_at_20: 30,
  added_ttft_p99_ms_at_20: 120,
  relay_p50_ms: 5,
  load_errors: 0,
  load_lost_chunks: 0,
};

const watchdog = setTimeout(() => {
  console.error(`\nbench:chat: still running after ${HARD_LIMIT_MS / 60_000} min; giving up.`);
  setTimeout(() => process.exit(1), 15_000).unref();
  void shutdown(1);
}, HARD_LIMIT_MS);
watchdog.unref();

const now = () => performance.now();
const t0 = now();
const progress = (line: string) =>
  process.stderr.write(`  [${((now() - t0) / 1000).toFixed(1)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the fake LLM: an answer unique to each turn, with write times recorded ----

const records = new Map<string, StreamRecord>();
const tokensFor = (tag: string) =>
  Array.from({ length: TOKENS_PER_ANSWER }, (_, i) => `${tag}:${i} `);
const llm = await startFakeOpenAI({
  interTokenDelayMs: 0,
  tokensFor: (body) => {
    const messages = (body.messages ?? []) as { role: string; content: string }[];
    const tag =
      /^bench (\S+)$/.exec(messages.filter((m) => m.role === "user").at(-1)?.content ?? "")?.[1] ??
      "x";
    return tokensFor(tag);
  },
  onStream: (r) => records.set(r.lastUserMessage, r),
});

// ---- the Worker ----

let shuttingDown = false;
async function shutdown(code: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    try {
      await worker.close(); // (not yet created if startup itself hangs)
    } catch {
      // nothing to close
    }
    await minimal?.close().catch(() => {});
    await llm.close().catch(() => {});
    await pgProxy?.close().catch(() => {});
    try {
      await dbProbe.end({ timeout: 1 });
    } catch {
      // not opened yet
    }
    await pg?.stop().catch(() => {});
  }
  process.exit(code);
}

const external = process.env.DATABASE_URL;
const pg = external ? undefined : await startPostgresProcess();
const dbUrl = external ?? pg?.url ?? "";
if (external) await (await import("../scripts/lib/migrate.ts")).migrate(external);
// The Worker reaches Postgres through a proxy that counts its queries (the cost model).
const pgProxy = await startPgCountProxy(dbUrl);
process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = pgProxy.url;
// One connection, simple-protocol queries only: a single wire message cannot be interleaved with
// the Worker's queries by pglite-socket (see the note above openSessions).
const dbProbe = postgres(dbUrl, { max: 1, onnotice: () => {} });

// wrangler logs every queue batch at info level; its warnings and the Worker's errors still show.
process.env.WRANGLER_LOG ??= "warn";
// Everything stays on 127.0.0.1: no download of the `Request.cf` placeholder from the network.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
const RUNNER = process.env.BENCH_CHAT_RUNNER === "test-harness" ? "test-harness" : "wrangler-dev";
const workerVars = {
  ENVIRONMENT: "development",
  OPENAI_API_KEY: "sk-bench",
  OPENAI_BASE_URL: llm.url,
  OPENAI_MODELS: "fake-model",
  // wrangler.toml allows 20 messages a minute per session; the bench sends more.
  CHAT_MESSAGES_PER_MINUTE: "100000",
  // Each session stands for a visitor at its own address (cf-connecting-ip, as the edge sets it).
  TRUST_CF_CONNECTING_IP: "true",
  // What-if experiments of the counting entry (bench/counting/worker.ts), e.g. no-kb-probe.
  ...(process.env.BENCH_WHATIF ? { BENCH_WHATIF: process.env.BENCH_WHATIF } : {}),
};
const workerSecrets = { SUPABASE_JWT_SECRET: SECRET, SESSION_TOKEN_SECRET: SESSION_SECRET };
/**
 * BENCH_CHAT_PROFILE=1: a CPU profile of the Worker over the 20-session phases; a list of levels
 * (BENCH_CHAT_PROFILE=1,20) profiles those (bench/results/chat-profile.json).
 */
const PROFILE_LEVELS =
  process.env.BENCH_CHAT_PROFILE === "1"
    ? [20]
    : (process.env.BENCH_CHAT_PROFILE ?? "").split(",").filter(Boolean).map(Number);
const PROFILE = PROFILE_LEVELS.length > 0;
/**
 * The product runs with billing counters (bench/counting/worker.ts: the same entry, wrapped) so
 * the cost model counts from the run; BENCH_CHAT_COUNT=0 runs workers/index.ts bare.
 */
const COUNTING = RUNNER === "wrangler-dev" && process.env.BENCH_CHAT_COUNT !== "0";
/** BENCH_CHAT_MINIMAL=0 skips the minimal relay (the physical baseline of CPU per turn). */
const MINIMAL = process.env.BENCH_CHAT_MINIMAL !== "0";
async function startWorker(): Promise<{
  url: string;
  inspectorHost?: string | null;
  logs: () => WorkerLog[];
  close: () => Promise<void>;
}> {
  if (RUNNER === "wrangler-dev")
    return startDevWorker({
      configPath: CONFIG_PATH,
      ...(COUNTING
        ? { entrypoint: new URL("./counting/worker.ts", import.meta.url).pathname }
        : {}),
      vars: workerVars,
      secrets: workerSecrets,
      inspect: PROFILE,
    });
  const harness = createTestHarness({
    workers: [{ configPath: CONFIG_PATH, vars: workerVars, secrets: workerSecrets }],
  });
  const url = (await harness.listen()).url.toString().replace(/\/$/, "");
  return { url, logs: () => harness.getLogs(), close: () => harness.close() };
}
const worker = await startWorker();
const base = worker.url;
/** The minimal relay, in workerd processes of its own (bench/relay/worker.ts). */
const minimal = MINIMAL ? await startMinimalRelay(llm.url) : null;

/** The counting entry's counters (bench/counting/worker.ts), or {} when it is not running. */
async function readCounts(): Promise<Record<string, number>> {
  if (!COUNTING) return {};
  const res = await fetch(`${base}/api/__bench/counts`, {
    signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
  });
  return (await res.json()) as Record<string, number>;
}
const countsSince = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]): [string, number] => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => v !== 0),
  );

const postJson = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(SETUP_TIMEOUT_MS),
  });
  return {
    status: res.status,
    json: (await res.json().catch(() => ({}))) as Record<string, string> & {
      error?: { code?: string };
    },
  };
};

let agentId = "";
async function createAgent(): Promise<void> {
  const signIn = await postJson("/api/v1/dev/sign-in", {
    email: `bench-chat-${Date.now()}@example.com`,
  });
  if (signIn.status !== 200)
    throw new Error(`dev sign-in answered ${signIn.status}: ${JSON.stringify(signIn.json)}`);
  const agent = await postJson(
    "/api/v1/agents",
    { name: "Bench agent", is_public: true, execution_config: { model: "fake-model" } },
    { authorization: `Bearer ${signIn.json.access_token}` },
  );
  if (agent.status !== 201)
    throw new Error(`creating the agent answered ${agent.status}: ${JSON.stringify(agent.json)}`);
  agentId = agent.json.id ?? "";
}

// ---- a chat session: init (own client address), socket, connection_ack ----

interface Frame {
  message_type: string;
  data: Record<string, unknown>;
  task_id: string | null;
}

/** chat/init answers that were not 201 and were retried (see Session.open). */
const initFailures: string[] = [];
let addressCounter = 0;
/** A distinct client address per session, so the per-address chat/init limit (30 a minute) is not what we measure. */
const nextAddress = () => {
  const n = ++addressCounter;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

class Session {
  onFrame: ((f: Frame, at: number) => void) | null = null;
  onClose: (() => void) | null = null;
  closed = false;
  readonly ws: WebSocket;
  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener("message", (ev) => {
      const at = now();
      this.onFrame?.(JSON.parse(String(ev.data)) as Frame, at);
    });
    ws.addEventListener("close", () => {
      this.closed = true;
      this.onClose?.();
    });
  }

  static async open(): Promise<Session> {
    const address = nextAddress();
    let init = await postJson(
      "/api/v1/chat/init",
      { agent_id: agentId },
      { "cf-connecting-ip": address },
    );
    // Setup is not what is measured: a failed init is retried (twice at most), and counted apart.
    for (let retry = 0; retry < 2 && init.status >= 400 && init.status !== 429; retry++) {
      initFailures.push(`${init.status} ${init.json.error?.code ?? ""}`);
      await sleep(100);
      init = await postJson(
        "/api/v1/chat/init",
        { agent_id: agentId },
        { "cf-connecting-ip": address },
      );
    }
    if (init.status !== 201)
      throw new Error(
        `chat/init answered ${init.status} ${init.json.error ? JSON.stringify(init.json.error) : ""}`,
      );
    return Session.connect(`${init.json.websocket_url}?token=${init.json.session_token}`);
  }

  /** A socket at `url` (the product's, or the minimal relay's), once connection_ack has come. */
  static async connect(url: string): Promise<Session> {
    const ws = new WebSocket(url);
    const session = new Session(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("no connection_ack in time")),
        SETUP_TIMEOUT_MS,
      );
      session.onFrame = (f) => {
        if (f.message_type !== "connection_ack") return;
        clearTimeout(timer);
        session.onFrame = null;
        resolve();
      };
      ws.addEventListener(
        "error",
        () => (clearTimeout(timer), reject(new Error("WebSocket failed"))),
        { once: true },
      );
      ws.addEventListener(
        "close",
        () => (clearTimeout(timer), reject(new Error("WebSocket closed before connection_ack"))),
        { once: true },
      );
    });
    return session;
  }

  close(): void {
    try {
      this.ws.close();
    } catch {
      // already closed
    }
  }
}

// ---- one turn ----

interface Chunk {
  idx: number;
  content: string;
  at: number;
}

interface Turn {
  tag: string;
  sentAt: number;
  /** When chat_response arrived (null until it does). */
  respondedAt: number | null;
  processingAt: number | null;
  chunks: Chunk[];
  finalIdx: number | null;
  response: string | null;
  error: string | null;
  restarts: number;
}

let tagCounter = 0;
function runTurn(session: Session, phase: string): Promise<Turn> {
  const tag = `${phase}.${++tagCounter}`;
  const content = `bench ${tag}`;
  return new Promise((resolve) => {
    const turn: Turn = {
      tag,
      sentAt: 0,
      respondedAt: null,
      processingAt: null,
      chunks: [],
      finalIdx: null,
      response: null,
      error: null,
      restarts: 0,
    };
    let attempt = 1;
    const finish = (error: string | null) => {
      clearTimeout(timer);
      session.onFrame = null;
      session.onClose = null;
      turn.error = error;
      resolve(turn);
    };
    const timer = setTimeout(
      () => finish(`timeout: no chat_response in ${TURN_TIMEOUT_MS} ms`),
      TURN_TIMEOUT_MS,
    );
    session.onClose = () => finish("socket closed");
    session.onFrame = (f, at) => {
      const d = f.data;
      switch (f.message_type) {
        case "chat_processing": {
          const a = Number(d.attempt ?? 1);
          if (turn.processingAt === null) turn.processingAt = at;
          else if (a > attempt) {
            // A restarted attempt: the protocol says to discard what the old attempt streamed.
            turn.restarts++;
            turn.chunks = [];
            turn.finalIdx = null;
          }
          attempt = Math.max(attempt, a);
          return;
        }
        case "chat_streaming":
          if (d.is_final) turn.finalIdx = Number(d.chunk_index);
          else turn.chunks.push({ idx: Number(d.chunk_index), content: String(d.content), at });
          return;
        case "chat_response":
          turn.response = String(d.message);
          turn.respondedAt = at;
          return finish(null);
        case "chat_error":
        case "error":
          return finish(`${f.message_type} ${String(d.code)}: ${String(d.message)}`);
      }
    };
    if (session.closed) return finish("socket closed");
    turn.sentAt = now();
    session.ws.send(JSON.stringify({ message_type: "chat_message", data: { content } }));
  });
}

/** Where each expected token starts in the answer text. */
const tokenOffsets = (tokens: string[]) => {
  const out: number[] = [];
  let at = 0;
  for (const t of tokens) {
    out.push(at);
    at += t.length;
  }
  return out;
};

/**
 * Lost tokens of a finished turn: expected tokens not found exactly where they belong in the
 * streamed text. The product relays, as one chunk, the tokens that reached it in one network
 * read (workers/llm/sse-batches.ts), so a chunk holds one or more whole tokens; a token lost,
 * doubled or garbled shows as a mismatch at its place.
 */
function checkTurn(turn: Turn): { lost: number; problems: string[] } {
  const problems: string[] = [];
  const record = records.get(`bench ${turn.tag}`);
  const expected = record?.tokens ?? tokensFor(turn.tag);
  if (!record) problems.push("the LLM server never saw this turn");
  const indices = turn.chunks.map((c) => c.idx);
  if (!indices.every((v, i) => v === i))
    problems.push(`chunk indices not contiguous from 0 (${indices.slice(0, 8).join(",")}...)`);
  if (turn.finalIdx !== turn.chunks.length)
    problems.push(`final chunk index ${turn.finalIdx} after ${turn.chunks.length} chunks`);
  const text = turn.chunks.map((c) => c.content).join("");
  if (text !== turn.response) problems.push("streamed text differs from chat_response.message");
  if (text !== expected.join(""))
    problems.push("streamed text differs from the tokens the LLM server sent");
  const offsets = tokenOffsets(expected);
  const lost = expected.filter(
    (t, i) => text.slice(offsets[i], (offsets[i] ?? 0) + t.length) !== t,
  ).length;
  return { lost, problems };
}

// ---- a phase: N sessions (opened beforehand, untimed), each running TURNS turns in sequence ----
//
// Every phase's sessions are opened before the first turn of the run. chat/init reads Postgres,
// and the embedded PGlite serves all connections from one Postgres session (pglite-socket):
// while the conversation consumer writes turns in transactions, concurrent connections'
// extended-protocol messages get mixed up (`portal "" does not exist`, an agent lookup coming
// back empty: 404/500 on init, or stalls). Opening sessions while no turn is persisted keeps
// that dev-database limit out of the chat figures (an external DATABASE_URL has no such limit).

interface PhaseResult {
  sessions: number;
  turnsPerSession: number;
  turns: Turn[];
  errors: string[];
  /** CPU milliseconds each process (workerd, the bench's own node, PGlite) used during the phase. */
  cpuMs: Record<string, number>;
  wallMs: number;
  /** What the counting entry counted during the phase (product phases only). */
  counts: Record<string, number>;
  /** Queries the Worker sent to Postgres during the phase (product phases only). */
  pgQueries: number;
}

interface Pool {
  sessions: Session[];
  errors: string[];
}

async function openSessions(n: number, errors: string[]): Promise<Session[]> {
  const sessions: Session[] = [];
  for (let i = 0; i < n; i += SETUP_PARALLELISM) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(SETUP_PARALLELISM, n - i) }, () => Session.open()),
    );
    for (const r of batch) {
      if (r.status === "fulfilled") sessions.push(r.value);
      else
        errors.push(
          `session setup: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`,
        );
    }
  }
  return sessions;
}

/** Sessions of the minimal relay: a socket each, straight to its own object (no chat/init). */
async function openMinimalSessions(name: string, n: number, errors: string[]): Promise<Session[]> {
  if (!minimal) return [];
  const relay = minimal;
  const batch = await Promise.allSettled(
    Array.from({ length: n }, (_, i) =>
      Session.connect(relay.socketUrl(`${name.replace(/\W/g, "-")}-${i}`)),
    ),
  );
  const sessions: Session[] = [];
  for (const r of batch) {
    if (r.status === "fulfilled") sessions.push(r.value);
    else errors.push(`minimal session setup: ${String(r.reason)}`);
  }
  return sessions;
}

async function openPool(name: string, n: number): Promise<Pool> {
  const errors: string[] = [];
  const setupStart = now();
  const sessions = name.startsWith("minimal:")
    ? await openMinimalSessions(name, n, errors)
    : await openSessions(n, errors);
  progress(
    `${name}: ${sessions.length}/${n} sessions open in ${((now() - setupStart) / 1000).toFixed(1)} s${errors.length ? ` (${errors.length} failed)` : ""}`,
  );
  return { sessions, errors };
}

let turnsAnswered = 0;
async function settle(): Promise<void> {
  const start = now();
  const expected = 2 * turnsAnswered;
  let last = -1;
  let lastChange = now();
  let stored = 0;
  while (now() - start < SETTLE_MAX_MS) {
    const [row] = await dbProbe<{ n: number }[]>`select count(*)::int as n from messages`.simple();
    stored = row?.n ?? 0;
    if (stored >= expected) break;
    if (stored !== last) [last, lastChange] = [stored, now()];
    else if (now() - lastChange >= SETTLE_STABLE_MS) break;
    await sleep(250);
  }
  const waited = now() - start;
  if (waited > 1000 || stored < expected)
    progress(
      `settle: ${stored}/${expected} messages stored by the conversation consumer after ${(waited / 1000).toFixed(1)} s`,
    );
  await sleep(300);
}

/**
 * Waits until every message the product wrote to a queue has been delivered to its consumer
 * (the counters' writes and reads agree), or DELIVERY_MAX_MS has passed.
 */
async function settleDeliveries(): Promise<void> {
  if (!COUNTING) return void (await sleep(DELIVERY_WAIT_MS));
  const start = now();
  while (now() - start < DELIVERY_MAX_MS) {
    const c = await readCounts();
    const sum = (prefix: string) =>
      Object.entries(c)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((n, [, v]) => n + v, 0);
    if (sum("queue.write.") <= sum("queue.ack.")) return;
    await sleep(250);
  }
  const c = await readCounts();
  const queues = Object.entries(c).filter(([k]) => k.startsWith("queue."));
  progress(
    `queue deliveries still pending after ${DELIVERY_MAX_MS / 1000} s: ${queues.map(([k, v]) => `${k} ${v}`).join(", ")}`,
  );
}

/**
 * `think`, when given, is each session's pause after an answer (seeded per session index).
 * A phase whose name starts with "minimal:" drives the minimal relay's sessions instead.
 */
async function productPhase(
  name: string,
  pool: Pool | undefined,
  n: number,
  turns = TURNS,
  think?: (session: number) => () => number,
): Promise<PhaseResult> {
  await settle();
  const product = !name.startsWith("minimal:");
  const countsBefore = product ? await readCounts() : {};
  const pgBefore = pgProxy.counts();
  const cpuBefore = cpuByProcess();
  const startedAt = now();
  const errors = [...(pool?.errors ?? [])];
  const sessions = pool?.sessions ?? [];
  const all = await Promise.all(
    sessions.map(async (s, i) => {
      const done: Turn[] = [];
      const pause = think?.(i);
      for (let t = 0; t < turns; t++) {
        if (pause) await sleep(pause());
        const turn = await runTurn(s, name);
        done.push(turn);
        // (Only the product's turns reach the conversation consumer that settle() waits for.)
        if (turn.response !== null && product) turnsAnswered++;
        if (turn.error) {
          if (errors.length < 3) progress(`${name}: ${turn.error}`);
          errors.push(turn.error);
        }
        if (turn.error?.startsWith("socket closed")) break;
      }
      return done;
    }),
  );
  for (const s of sessions) s.close();
  await sleep(200);
  progress(`${name}: ${n} sessions x ${turns} turns done`);
  const wallMs = now() - startedAt;
  // The turns' queue deliveries come after their answers (the conversation batch waits up to
  // a second): they are this
  // phase's work, so its CPU and counters are read once they have been delivered.
  if (product) await settleDeliveries();
  const cpuMs = cpuSince(cpuBefore);
  const pgAfter = pgProxy.counts();
  return {
    sessions: n,
    turnsPerSession: turns,
    turns: all.flat(),
    errors,
    cpuMs,
    wallMs,
    counts: product ? countsSince(countsBefore, await readCounts()) : {},
    pgQueries: pgAfter.simple + pgAfter.extended - pgBefore.simple - pgBefore.extended,
  };
}

/** The baseline: the same server, same request shape, straight from Node; time until the first content delta. */
async function baselinePhase(
  n: number,
  turns = TURNS,
  think?: (session: number) => () => number,
): Promise<number[]> {
  await settle();
  const one = async (): Promise<number> => {
    const t0 = now();
    const res = await fetch(`${llm.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
      body: JSON.stringify({
        model: "fake-model",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: `baseline ${++tagCounter}` }],
      }),
      signal: AbortSignal.timeout(TURN_TIMEOUT_MS),
    });
    if (!res.ok || !res.body) throw new Error(`baseline request answered ${res.status}`);
    const decoder = new TextDecoder();
    let buffer = "";
    let first: number | null = null;
    for await (const bytes of res.body) {
      if (first !== null) continue; // drain the rest
      buffer += decoder.decode(bytes as Uint8Array, { stream: true });
      for (
        let nl = buffer.indexOf("\n\n");
        nl >= 0 && first === null;
        nl = buffer.indexOf("\n\n")
      ) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 2);
        if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
        const chunk = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
        if (chunk.choices?.[0]?.delta?.content) first = now() - t0;
      }
    }
    if (first === null) throw new Error("baseline stream had no content");
    return first;
  };
  const samples = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const out: number[] = [];
      const pause = think?.(i);
      for (let t = 0; t < turns; t++) {
        if (pause) await sleep(pause());
        out.push(await one());
      }
      return out;
    }),
  );
  return samples.flat();
}

/**
 * Round trips of one idle session's socket (a ping the ChatSession's code answers with a pong
 * frame): the floor under the figures below, through the proxy worker, the Worker and the object.
 */
async function pingRoundTrips(session: Session, n = 30): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      await new Promise<number>((resolve, reject) => {
        const sent = now();
        const timer = setTimeout(() => reject(new Error("no pong in time")), SETUP_TIMEOUT_MS);
        session.onFrame = (f, at) => {
          if (f.message_type !== "pong") return;
          clearTimeout(timer);
          session.onFrame = null;
          resolve(at - sent);
        };
        session.ws.send(JSON.stringify({ message_type: "ping", data: { n: i } }));
      }),
    );
  }
  return out;
}

// ---- figures ----

interface Dist {
  p50: number;
  p99: number;
  mean: number;
  n: number;
}
const dist = (values: number[]): Dist => {
  const s = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p99: percentile(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
    n: s.length,
  };
};
const round = (d: Dist) => ({
  p50: +d.p50.toFixed(2),
  p99: +d.p99.toFixed(2),
  mean: +d.mean.toFixed(2),
  n: d.n,
});

const okTurns = (p: PhaseResult) => p.turns.filter((t) => !t.error && t.chunks.length > 0);
const ttft = (p: PhaseResult) => okTurns(p).map((t) => (t.chunks[0]?.at ?? 0) - t.sentAt);

/** Where a turn's time to first token goes, on the bench process's clock. */
function breakdown(p: PhaseResult) {
  const parts = {
    to_chat_processing: [] as number[],
    to_llm_request: [] as number[],
    llm_request_to_first_write: [] as number[],
    first_write_to_first_chunk: [] as number[],
  };
  for (const t of okTurns(p)) {
    const r = records.get(`bench ${t.tag}`);
    if (!r || r.writes[0] === undefined || !t.chunks[0]) continue;
    if (t.processingAt !== null) parts.to_chat_processing.push(t.processingAt - t.sentAt);
    parts.to_llm_request.push(r.receivedAt - t.sentAt);
    parts.llm_request_to_first_write.push(r.writes[0] - r.receivedAt);
    parts.first_write_to_first_chunk.push(t.chunks[0].at - r.writes[0]);
  }
  return Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(dist(v))])) as Record<
    keyof typeof parts,
    ReturnType<typeof round>
  >;
}

/**
 * Relay delay: chunk arrival at the client minus the fake server's write of the first token in
 * that chunk (the token that waited longest in it).
 */
function relay(p: PhaseResult): number[] {
  const out: number[] = [];
  for (const t of okTurns(p)) {
    if (t.restarts > 0) continue;
    const r = records.get(`bench ${t.tag}`);
    if (!r) continue;
    const offsets = tokenOffsets(r.tokens);
    let at = 0;
    let token = 0;
    for (const c of t.chunks) {
      while (token + 1 < offsets.length && (offsets[token + 1] ?? Infinity) <= at) token++;
      const w = r.writes[token];
      if (w !== undefined) out.push(c.at - w);
      at += c.content.length;
    }
  }
  return out;
}

/** Tokens per relayed chunk (1 when every token travelled alone). */
function tokensPerChunk(p: PhaseResult): number {
  const turns = okTurns(p);
  const chunks = turns.reduce((n, t) => n + t.chunks.length, 0);
  return chunks ? (turns.length * TOKENS_PER_ANSWER) / chunks : NaN;
}

function correctness(p: PhaseResult) {
  let lost = 0;
  let badTurns = 0;
  const problems: string[] = [];
  for (const t of p.turns) {
    if (t.error) continue;
    const c = checkTurn(t);
    lost += c.lost;
    if (c.problems.length) {
      badTurns++;
      if (problems.length < 10) problems.push(`${t.tag}: ${c.problems.join("; ")}`);
    }
  }
  const expectedTurns = p.sessions * p.turnsPerSession;
  return {
    sessions: p.sessions,
    turns_expected: expectedTurns,
    turns_completed: p.turns.filter((t) => !t.error).length,
    errors: p.errors.length,
    lost_chunks: lost,
    bad_turns: badTurns,
    restarts: p.turns.reduce((n, t) => n + t.restarts, 0),
    tokens_per_chunk: +tokensPerChunk(p).toFixed(2),
    error_samples: [...new Set(p.errors)].slice(0, 10),
    problem_samples: problems,
  };
}

const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1).padStart(7) : "      -");
const signed = (v: number) =>
  Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${v.toFixed(1)}`.padStart(7) : "      -";
const mark = (ok: boolean) => (ok ? "met" : "MISSED");

// ---- run ----

async function main(): Promise<number> {
  await createAgent();
  const started = now();
  const loadBefore = loadavg()[0] ?? NaN;
  const runtime =
    RUNNER === "wrangler-dev"
      ? "as `wrangler dev` runs it (wrangler DevEnv: proxy worker + workerd)"
      : "wrangler createTestHarness (outbound fetches through this Node process)";
  console.log(
    `\nchat: Worker ${runtime}, ${cpus().length} CPUs, Node ${process.version}, load average ${loadBefore.toFixed(2)} at start`,
  );
  console.log(
    `  fake OpenAI-compatible server at ${llm.url}; ${TOKENS_PER_ANSWER} tokens per answer; ${TURNS} turns per session (${ttftTurns(1)} for the 1-session time to first token), each waiting for chat_response`,
  );
  console.log(
    `  chat/init sent with a distinct cf-connecting-ip per session (CHAT_INIT_LIMITER: 30/min per address); CHAT_MESSAGES_PER_MINUTE overridden to 100000`,
  );
  console.log(
    `  database: ${external ? "external Postgres (DATABASE_URL)" : "embedded PGlite in a child process"}${process.env.BENCH_CHAT_CONFIG ? `; Worker config ${CONFIG_PATH}` : ""}${process.env.BENCH_WHATIF ? `; WHAT-IF: ${process.env.BENCH_WHATIF}` : ""}`,
  );

  const plan: [string, number][] = [
    ["warm", 4],
    ...LEVELS.map((n): [string, number] => [`ttft${n}`, n]),
    ...RELAY_LEVELS.map((n): [string, number] => [`relay${n}`, n]),
  ];
  if (PACED_SESSIONS > 0) plan.push(["paced", PACED_SESSIONS]);
  if (LOAD_SESSIONS > 0) plan.push(["load", LOAD_SESSIONS]);
  const pools = new Map<string, Pool>();
  // What opening the product's sessions costs (chat/init, the socket upgrade), per session.
  const setupCountsBefore = await readCounts();
  const setupPgBefore = pgProxy.counts();
  for (const [name, n] of plan) pools.set(name, await openPool(name, n));
  const productSessions = [...pools.values()].reduce((k, p) => k + p.sessions.length, 0);
  const setupCounts = countsSince(setupCountsBefore, await readCounts());
  const setupPgAfter = pgProxy.counts();
  const setupPg =
    setupPgAfter.simple + setupPgAfter.extended - setupPgBefore.simple - setupPgBefore.extended;
  if (minimal)
    for (const [name, n] of plan.filter(([name]) => TWINS.has(name)))
      pools.set(`minimal:${name}`, await openPool(`minimal:${name}`, n));

  /** Each product phase's twin on the minimal relay: same sessions, turns, pauses and LLM delay, run right after it. */
  const pairs: { name: string; product: PhaseResult; minimal: PhaseResult }[] = [];
  const minimalPhases: { name: string; result: PhaseResult }[] = [];
  const twin = async (
    label: string,
    name: string,
    product: PhaseResult,
    n: number,
    turns?: number,
    think?: (session: number) => () => number,
  ) => {
    if (!minimal || !TWINS.has(name)) return;
    const m = await productPhase(`minimal:${name}`, pools.get(`minimal:${name}`), n, turns, think);
    minimalPhases.push({ name: `minimal relay: ${label}`, result: m });
    if (name !== "warm") pairs.push({ name: label, product, minimal: m });
  };

  // Warm-up (not measured): the Worker's and the DO's first requests, the SDK, the fake server.
  await baselinePhase(4, 5);
  const warm = await productPhase("warm", pools.get("warm"), 4, 3);
  await twin("warm-up", "warm", warm, 4, 3);
  const pingSession = await Session.open();
  const pings = dist(await pingRoundTrips(pingSession));
  pingSession.close();

  const ttftByLevel: Record<
    number,
    { baseline: Dist; product: Dist; breakdown: ReturnType<typeof breakdown> }
  > = {};
  const phases: { name: string; result: PhaseResult }[] = [{ name: "warm-up", result: warm }];
  llm.setDelay(0);
  const profiles: Record<string, unknown> = {};
  const profiled = async <T>(name: string, on: boolean, run: () => Promise<T>): Promise<T> => {
    if (!on || !worker.inspectorHost) return run();
    const stop = await startProfile(worker.inspectorHost, "nooble");
    const result = await run();
    profiles[name] = await stop();
    return result;
  };
  for (const n of LEVELS) {
    const baseline = dist(await baselinePhase(n, ttftTurns(n)));
    const product = await profiled(`ttft${n}`, PROFILE_LEVELS.includes(n), () =>
      productPhase(`ttft${n}`, pools.get(`ttft${n}`), n, ttftTurns(n)),
    );
    phases.push({ name: `ttft, ${n} sessions, delay 0`, result: product });
    await twin(`ttft, ${n} sessions, delay 0`, `ttft${n}`, product, n, ttftTurns(n));
    ttftByLevel[n] = { baseline, product: dist(ttft(product)), breakdown: breakdown(product) };
  }

  llm.setDelay(RELAY_DELAY_MS);
  const relayByLevel: Record<
    number,
    { relay: Dist; ttft: Dist; breakdown: ReturnType<typeof breakdown> }
  > = {};
  for (const n of RELAY_LEVELS) {
    const p = await profiled(`relay${n}`, PROFILE_LEVELS.includes(n), () =>
      productPhase(`relay${n}`, pools.get(`relay${n}`), n),
    );
    phases.push({ name: `relay, ${n} sessions, delay ${RELAY_DELAY_MS} ms`, result: p });
    await twin(`relay, ${n} sessions, delay ${RELAY_DELAY_MS} ms`, `relay${n}`, p, n);
    relayByLevel[n] = { relay: dist(relay(p)), ttft: dist(ttft(p)), breakdown: breakdown(p) };
  }
  // Paced visitors: baseline and product with the same pauses, tokens every RELAY_DELAY_MS.
  const pacedThink = (i: number) => thinkTimes(1000 + i);
  const pacedBaseline =
    PACED_SESSIONS > 0 ? dist(await baselinePhase(PACED_SESSIONS, TURNS, pacedThink)) : null;
  const paced =
    PACED_SESSIONS > 0
      ? await productPhase("paced", pools.get("paced"), PACED_SESSIONS, TURNS, pacedThink)
      : null;
  if (paced) {
    const label = `paced, ${PACED_SESSIONS} sessions, pauses ${THINK_MS[0] / 1000}-${THINK_MS[1] / 1000} s`;
    phases.push({ name: label, result: paced });
    await twin(label, "paced", paced, PACED_SESSIONS, TURNS, pacedThink);
  }
  const pacedFigures =
    paced && pacedBaseline
      ? {
          baseline: pacedBaseline,
          product: dist(ttft(paced)),
          relay: dist(relay(paced)),
          breakdown: breakdown(paced),
        }
      : null;
  const load =
    LOAD_SESSIONS > 0 ? await productPhase("load", pools.get("load"), LOAD_SESSIONS) : null;
  if (load) {
    const label = `load, ${LOAD_SESSIONS} sessions x ${TURNS} turns, delay ${RELAY_DELAY_MS} ms`;
    phases.push({ name: label, result: load });
    await twin(label, "load", load, LOAD_SESSIONS);
  }
  llm.setDelay(0);
  const loadRelay = dist(load ? relay(load) : []);

  // ---- report ----

  console.log(
    `\n  one idle session's WebSocket round trip (ping -> ChatSession -> pong), ms: p50 ${pings.p50.toFixed(1)}, p99 ${pings.p99.toFixed(1)}`,
  );
  console.log(
    `\n  time to first token, ms (chat_message sent -> first chat_streaming; baseline: POST -> first content delta), interTokenDelay 0`,
  );
  console.log(
    `  sessions | baseline p50     p99 | product p50     p99 | added p50     p99 |  turns`,
  );
  for (const n of LEVELS) {
    const l = ttftByLevel[n];
    if (!l) continue;
    console.log(
      `  ${String(n).padStart(8)} |      ${f1(l.baseline.p50)} ${f1(l.baseline.p99)} |     ${f1(l.product.p50)} ${f1(l.product.p99)} |   ${signed(l.product.p50 - l.baseline.p50)} ${signed(l.product.p99 - l.baseline.p99)} | ${String(l.product.n).padStart(6)}`,
    );
  }
  const at20 = ttftByLevel[20];
  const added20 = at20
    ? { p50: at20.product.p50 - at20.baseline.p50, p99: at20.product.p99 - at20.baseline.p99 }
    : { p50: NaN, p99: NaN };
  console.log(
    `  target at 20 sessions: added p50 <= ${TARGETS.added_ttft_p50_ms_at_20} ms (${mark(added20.p50 <= TARGETS.added_ttft_p50_ms_at_20)}), p99 <= ${TARGETS.added_ttft_p99_ms_at_20} ms (${mark(added20.p99 <= TARGETS.added_ttft_p99_ms_at_20)})`,
  );

  console.log(`\n  where the product's time to first token goes (p50 / p99, ms, bench clock)`);
  console.log(
    `  sessions | -> chat_processing | -> LLM request recv | recv -> 1st write | 1st write -> 1st chunk`,
  );
  for (const n of LEVELS) {
    const b = ttftByLevel[n]?.breakdown;
    if (!b) continue;
    const cell = (d: { p50: number; p99: number }, w: number) =>
      `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)}`.padStart(w);
    console.log(
      `  ${String(n).padStart(8)} | ${cell(b.to_chat_processing, 18)} | ${cell(b.to_llm_request, 19)} | ${cell(b.llm_request_to_first_write, 17)} | ${cell(b.first_write_to_first_chunk, 22)}`,
    );
  }

  console.log(
    `\n  relay delay per chunk, ms (chunk arrival at the client - token written by the LLM server), interTokenDelay ${RELAY_DELAY_MS} ms`,
  );
  console.log(`  sessions |   p50     p99 | chunks | target p50 <= ${TARGETS.relay_p50_ms} ms`);
  for (const n of RELAY_LEVELS) {
    const r = relayByLevel[n];
    if (!r) continue;
    console.log(
      `  ${String(n).padStart(8)} | ${f1(r.relay.p50)} ${f1(r.relay.p99)} | ${String(r.relay.n).padStart(6)} | ${mark(r.relay.p50 <= TARGETS.relay_p50_ms)}`,
    );
  }
  if (load)
    console.log(
      `  ${String(LOAD_SESSIONS).padStart(8)} | ${f1(loadRelay.p50)} ${f1(loadRelay.p99)} | ${String(loadRelay.n).padStart(6)} | (information: the load phase)`,
    );

  if (pacedFigures) {
    const { baseline: b, product: q, relay: r } = pacedFigures;
    console.log(
      `\n  paced visitors: ${PACED_SESSIONS} sessions, each pausing ${THINK_MS[0] / 1000}-${THINK_MS[1] / 1000} s before every message (the same seeded pauses for the baseline), interTokenDelay ${RELAY_DELAY_MS} ms`,
    );
    console.log(
      `  time to first token: baseline p50 ${f1(b.p50)} p99 ${f1(b.p99)} | product p50 ${f1(q.p50)} p99 ${f1(q.p99)} | added p50 ${signed(q.p50 - b.p50)} p99 ${signed(q.p99 - b.p99)} | ${q.n} turns`,
    );
    console.log(`  relay delay per chunk: p50 ${f1(r.p50)} p99 ${f1(r.p99)} (${r.n} chunks)`);
  }

  const productChecks = phases.map((p) => ({ phase: p.name, ...correctness(p.result) }));
  const loadCheck = load ? productChecks.at(-1) : undefined;
  const checks = [
    ...productChecks,
    ...minimalPhases.map((p) => ({ phase: p.name, ...correctness(p.result) })),
  ];
  const totalErrors = checks.reduce((n, c) => n + c.errors, 0);
  const totalLost = checks.reduce((n, c) => n + c.lost_chunks, 0);
  const totalBad = checks.reduce((n, c) => n + c.bad_turns, 0);
  console.log(
    `\n  correctness (every phase checked: chunk indices 0..n-1, text = chat_response.message = the LLM server's tokens)`,
  );
  console.log(
    `  phase                                                       | turns ok | errors | lost tokens | bad turns | restarts | tokens/chunk`,
  );
  for (const c of checks) {
    console.log(
      `  ${c.phase.padEnd(59)} | ${`${c.turns_completed}/${c.turns_expected}`.padStart(8)} | ${String(c.errors).padStart(6)} | ${String(c.lost_chunks).padStart(11)} | ${String(c.bad_turns).padStart(9)} | ${String(c.restarts).padStart(8)} | ${c.tokens_per_chunk.toFixed(2).padStart(12)}`,
    );
  }
  if (load)
    console.log(
      `  target ${LOAD_SESSIONS} x ${TURNS}: 0 errors, 0 lost chunks (${mark((loadCheck?.errors ?? 1) === 0 && (loadCheck?.lost_chunks ?? 1) === 0 && (loadCheck?.bad_turns ?? 1) === 0)})`,
    );
  for (const c of checks)
    for (const e of [...c.error_samples, ...c.problem_samples]) console.log(`    ${c.phase}: ${e}`);
  console.log(
    `\n  CPU used per turn, ms (from /proc, whole phase / turns answered; workerd: the Worker and wrangler's proxy; node: this bench, i.e. the clients and the fake LLM)`,
  );
  const figures = (r: PhaseResult): PhaseFigures => ({
    answered: r.turns.filter((t) => t.response !== null).length,
    cpuMs: r.cpuMs,
    counts: r.counts,
    pgQueries: r.pgQueries,
  });
  const workerd = classifyWorkerd(
    phases.map((p) => figures(p.result)),
    minimalPhases.map((p) => figures(p.result)),
  );
  /** Which workerd is which: the product's and the minimal relay's Worker, and their wrangler proxies. */
  const processLabel = (key: string) =>
    key === workerd.product.worker
      ? "workerd product"
      : key === workerd.minimal.worker
        ? "workerd minimal"
        : workerd.product.all.includes(key)
          ? "workerd product-proxy"
          : workerd.minimal.all.includes(key)
            ? "workerd minimal-proxy"
            : key;
  const cpuRows = [...phases, ...minimalPhases].map((p) => {
    const answered = p.result.turns.filter((t) => t.response !== null).length || 1;
    const per = Object.fromEntries(
      Object.entries(p.result.cpuMs)
        .filter(([, v]) => v > 0)
        .map(([k, v]) => [processLabel(k), +(v / answered).toFixed(2)]),
    );
    const busy = Object.values(p.result.cpuMs).reduce((a, b) => a + b, 0) / (p.result.wallMs || 1);
    return { phase: p.name, per_turn_ms: per, cores_busy: +busy.toFixed(2) };
  });
  for (const r of cpuRows) {
    const cells = Object.entries(r.per_turn_ms)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(1)}`)
      .join(", ");
    console.log(
      `  ${r.phase.padEnd(59)} | ${cells} | ${r.cores_busy.toFixed(2)} of ${cpus().length} cores busy`,
    );
  }

  const ratios = minimal
    ? cpuRatios(
        pairs.map((x) => ({
          name: x.name,
          product: figures(x.product),
          minimal: figures(x.minimal),
        })),
        workerd.product,
        workerd.minimal,
      )
    : null;
  if (ratios) {
    console.log(
      `\n  CPU per turn, product / minimal relay (workerd of each, from /proc, same run, each minimal phase right after its product phase; the product's turns include their queue deliveries)`,
    );
    console.log(
      `  ${"phase".padEnd(48)} | product ms | minimal ms | ratio | with wrangler's proxy: product  minimal  ratio`,
    );
    for (const r of [...ratios.rows, ratios.pooled])
      console.log(
        `  ${r.phase.padEnd(48)} | ${r.product_ms.toFixed(1).padStart(10)} | ${r.minimal_ms.toFixed(1).padStart(10)} | ${r.ratio.toFixed(2).padStart(5)} | ${r.product_with_proxy_ms.toFixed(1).padStart(30)} ${r.minimal_with_proxy_ms.toFixed(1).padStart(8)} ${r.ratio_with_proxy.toFixed(2).padStart(6)}`,
      );
    console.log(
      `  target: product / minimal <= 2.0 (${mark(ratios.pooled.ratio <= 2)}, all phases pooled, Worker process only: wrangler's proxy is not in production)`,
    );
  }

  // ---- the cost of 1,000 turns, from what the run counted ----
  let cost:
    | (ReturnType<typeof perTurnCounts> &
        ReturnType<typeof costOf1000Turns> & {
          do_active_s_basis: string;
        })
    | null = null;
  if (COUNTING) {
    const measured = phases.filter((p) => p.result !== warm).map((p) => figures(p.result));
    const answeredAll = measured.reduce((n, f) => n + f.answered, 0) || 1;
    const workerCpu =
      measured.reduce((n, f) => n + (f.cpuMs[workerd.product.worker] ?? 0), 0) / answeredAll;
    // Active time of the object per turn: the paced turns' message -> chat_response (tokens
    // every RELAY_DELAY_MS, as a provider streams). The outbox is sent as the run ends, one
    // queue send after chat_response (not timed; no timer keeps the object awake). A
    // hibernatable object with nothing pending is not billed (Cloudflare's pricing page), so
    // idle time between turns is free.
    const pacedTurns = (paced?.turns ?? []).filter((t) => t.respondedAt !== null);
    const activeS =
      pacedTurns.reduce((n, t) => n + ((t.respondedAt ?? 0) - t.sentAt), 0) /
      (pacedTurns.length || 1) /
      1000;
    const counted = perTurnCounts({
      phases: measured,
      setup: { counts: setupCounts, pgQueries: setupPg, sessions: productSessions },
      turnsPerSession: TURNS,
      workerCpuMsPerTurn: workerCpu,
      doActiveSecondsPerTurn: activeS,
    });
    const priced = costOf1000Turns(counted.perTurn, {
      do_active_s: `paced turns' message -> chat_response (${activeS.toFixed(2)} s, ${RELAY_DELAY_MS} ms a token), x 0.125 GB`,
    });
    cost = { ...counted, ...priced, do_active_s_basis: "paced phase, client clock" };
    console.log(
      `\n  Cloudflare cost of 1,000 chat turns, LLM excluded (Workers Paid marginal prices as published on ${PRICES_AS_OF}; counts from this run: ${counted.turns} turns of the product phases after the warm-up, plus each session's opening spread over ${TURNS} turns)`,
    );
    for (const line of formatCostTable(priced.rows, priced.total_usd)) console.log(line);
    console.log(
      `  not in the table: the session's end (idle alarm, a conversation.session.end message, its Postgres writes) once per session; Postgres itself (priced by its provider)`,
    );
  }
  if (initFailures.length) {
    const counts = new Map<string, number>();
    for (const f of initFailures) counts.set(f, (counts.get(f) ?? 0) + 1);
    const byCause = [...counts].map(([k, v]) => `${k} x${v}`);
    console.log(
      `  setup: ${initFailures.length} chat/init answers retried (${byCause.join(", ")}); not counted as errors unless the retries failed too`,
    );
  }
  const logs = worker.logs();
  const workerErrors = logs.filter((l) => l.level === "error");
  const workerWarnings = logs.filter((l) => l.level === "warn");
  if (workerErrors.length || workerWarnings.length) {
    const first = [...workerErrors, ...workerWarnings]
      .slice(0, 3)
      .map((l) => l.message.slice(0, 240));
    console.log(
      `  Worker logs (not counted above): ${workerErrors.length} errors, ${workerWarnings.length} warnings; first: ${first.join(" | ")}`,
    );
  }
  const elapsed = (now() - started) / 1000;
  const loadAfter = loadavg()[0] ?? NaN;
  console.log(
    `  total: ${totalErrors} errors, ${totalLost} lost chunks, ${totalBad} bad turns; ${elapsed.toFixed(0)} s; 1-min load average ${loadBefore.toFixed(2)} at start, ${loadAfter.toFixed(2)} at end (on ${cpus().length} CPUs)`,
  );

  const result = {
    runtime,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? "",
      node: process.version,
      load_average_1min: { start: loadBefore, end: loadAfter },
    },
    config: {
      turns_per_session: TURNS,
      tokens_per_answer: TOKENS_PER_ANSWER,
      levels: LEVELS,
      relay_levels: RELAY_LEVELS,
      relay_inter_token_delay_ms: RELAY_DELAY_MS,
      load_sessions: LOAD_SESSIONS,
      distinct_cf_connecting_ip_per_session: true,
      chat_messages_per_minute: 100000,
      what_if: process.env.BENCH_WHATIF ?? null,
    },
    ping_round_trip_ms: round(pings),
    paced: pacedFigures
      ? {
          sessions: PACED_SESSIONS,
          think_ms: THINK_MS,
          inter_token_delay_ms: RELAY_DELAY_MS,
          baseline: round(pacedFigures.baseline),
          product: round(pacedFigures.product),
          added: {
            p50: +(pacedFigures.product.p50 - pacedFigures.baseline.p50).toFixed(2),
            p99: +(pacedFigures.product.p99 - pacedFigures.baseline.p99).toFixed(2),
          },
          relay: round(pacedFigures.relay),
          product_breakdown: pacedFigures.breakdown,
        }
      : null,
    ttft_ms: Object.fromEntries(
      Object.entries(ttftByLevel).map(([n, l]) => [
        n,
        {
          baseline: round(l.baseline),
          product: round(l.product),
          added: {
            p50: +(l.product.p50 - l.baseline.p50).toFixed(2),
            p99: +(l.product.p99 - l.baseline.p99).toFixed(2),
          },
          product_breakdown: l.breakdown,
        },
      ]),
    ),
    relay_ms: {
      ...Object.fromEntries(
        Object.entries(relayByLevel).map(([n, r]) => [
          n,
          { relay: round(r.relay), ttft: round(r.ttft), ttft_breakdown: r.breakdown },
        ]),
      ),
      ...(load ? { [LOAD_SESSIONS]: { relay: round(loadRelay) } } : {}),
    },
    correctness: checks,
    cpu_per_turn_ms: cpuRows,
    cpu_per_turn_vs_minimal_relay: ratios,
    cost_of_1000_turns: cost
      ? {
          prices_as_of: PRICES_AS_OF,
          turns_counted: cost.turns,
          per_turn: cost.perTurn,
          rows: cost.rows,
          total_usd: +cost.total_usd.toFixed(5),
          raw_counts: cost.raw,
          session_setup_counts: {
            sessions: productSessions,
            counts: setupCounts,
            postgres_queries: setupPg,
          },
        }
      : null,
    totals: {
      errors: totalErrors,
      lost_chunks: totalLost,
      bad_turns: totalBad,
      chat_init_retried: initFailures.length,
      worker_error_logs: workerErrors.length,
      worker_warning_logs: workerWarnings.length,
    },
    targets: {
      ...TARGETS,
      met: {
        added_ttft_p50_at_20: added20.p50 <= TARGETS.added_ttft_p50_ms_at_20,
        added_ttft_p99_at_20: added20.p99 <= TARGETS.added_ttft_p99_ms_at_20,
        cpu_ratio: ratios ? ratios.pooled.ratio <= 2 : null,
        relay_p50: RELAY_LEVELS.every(
          (n) => (relayByLevel[n]?.relay.p50 ?? Infinity) <= TARGETS.relay_p50_ms,
        ),
        load:
          loadCheck === undefined
            ? null
            : loadCheck.errors === 0 && loadCheck.lost_chunks === 0 && loadCheck.bad_turns === 0,
      },
    },
    elapsed_s: +elapsed.toFixed(1),
    at: new Date().toISOString(),
  };
  const outDir = new URL("./results/", import.meta.url);
  await mkdir(outDir, { recursive: true });
  if (PROFILE)
    await writeFile(new URL("chat-profile.json", outDir), `${JSON.stringify(profiles, null, 2)}\n`);
  const outName = process.env.BENCH_CHAT_OUT ?? "chat.json";
  await writeFile(new URL(outName, outDir), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`  figures written to bench/results/${outName}`);

  return totalErrors > 0 || totalLost > 0 || totalBad > 0 ? 1 : 0;
}

await shutdown(
  await main().catch((err: unknown) => {
    console.error(
      `\nbench:chat failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return 1;
  }),
);
