/**
 * `npm run chat -- <username> [agent] "question"`: asks a public agent one question as a visitor
 * would, over the chat WebSocket, and prints the answer as it streams, then its sources. Needs
 * nothing from the network: Node 22's own WebSocket and fetch, against `npm run dev` on
 * NOOBLE_URL (default http://127.0.0.1:$PORT, PORT 8787).
 *
 * `agent` is a public agent's id or name (any case); it may be left out when the owner has one
 * public agent. Exit code 0 with an answer, 1 when the server refused or failed, 2 on bad usage.
 */
import type { z } from "zod";
import { ChatInitResponseSchema } from "../shared/api/chat.ts";
import { PublicProfileSchema } from "../shared/api/profile.ts";
import type { PublicAgent } from "../shared/api/profile.ts";
import { ErrorBodySchema } from "../shared/errors.ts";
import type { Source } from "../shared/conversation.ts";
import { ServerFrameSchema } from "../shared/protocol/chat.ts";

const USAGE = 'usage: npm run chat -- <username> [agent id or name] "question"';
/** The longest wait for the next frame before giving up on the answer. */
const FRAME_TIMEOUT_MS = 90_000;

class ChatFailure extends Error {}

const base = (process.env.NOOBLE_URL ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`).replace(
  /\/$/,
  "",
);

async function request<T>(schema: z.ZodType<T>, path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, init);
  } catch {
    throw new ChatFailure(`Nothing answers at ${base}. Start it with \`npm run dev\`.`);
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = ErrorBodySchema.safeParse(body);
    throw new ChatFailure(
      error.success
        ? `${error.data.error.code}: ${error.data.error.message}`
        : `${path} answered ${res.status}`,
    );
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ChatFailure(`${path} answered something unexpected`);
  return parsed.data;
}

function pickAgent(username: string, agents: PublicAgent[], wanted: string | undefined) {
  const match = wanted
    ? agents.find((a) => a.id === wanted || a.name.toLowerCase() === wanted.toLowerCase())
    : agents.length === 1
      ? agents[0]
      : undefined;
  if (match) return match;
  const list = agents.map((a) => `  ${a.id}  ${a.name}`).join("\n");
  throw new ChatFailure(
    agents.length === 0
      ? `${username} has no public agent.`
      : `${wanted ? `${username} has no public agent "${wanted}"` : `${username} has ${agents.length} public agents: name one`}:\n${list}`,
  );
}

function printSources(sources: Source[]) {
  if (sources.length === 0) return;
  console.log(`\nSources:`);
  sources.forEach((s, i) => {
    const page = s.page !== null && s.page !== undefined ? `, page ${s.page}` : "";
    const snippet = s.snippet.replace(/\s+/g, " ").trim();
    const short = snippet.length > 160 ? `${snippet.slice(0, 159)}…` : snippet;
    console.log(`  [${i + 1}] ${s.document_name}${page} (score ${s.score.toFixed(2)})`);
    console.log(`      "${short}"`);
  });
}

/** Sends the question on the session's socket; prints the stream, then the sources. */
function ask(url: string, question: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let streamed = "";
    let attempt = 1;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fail = (message: string) => {
      clearTimeout(timer);
      ws.close();
      reject(new ChatFailure(message));
    };
    const waitMore = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail(`No answer after ${FRAME_TIMEOUT_MS / 1000} s.`),
        FRAME_TIMEOUT_MS,
      );
    };
    waitMore();
    ws.addEventListener("error", () => fail(`The chat socket at ${base} failed.`));
    ws.addEventListener("message", (event) => {
      waitMore();
      const parsed = ServerFrameSchema.safeParse(JSON.parse(String(event.data)));
      if (!parsed.success) return;
      const frame = parsed.data;
      switch (frame.message_type) {
        case "connection_ack":
          ws.send(JSON.stringify({ message_type: "chat_message", data: { content: question } }));
          break;
        case "chat_processing":
          // A restarted task streams again from its first chunk.
          if (frame.data.attempt > attempt && streamed) process.stdout.write("\n[retrying]\n");
          attempt = frame.data.attempt;
          streamed = "";
          break;
        case "chat_streaming":
          if (frame.data.attempt !== attempt) break;
          streamed += frame.data.content;
          process.stdout.write(frame.data.content);
          break;
        case "chat_response":
          clearTimeout(timer);
          if (!streamed) process.stdout.write(frame.data.message);
          process.stdout.write("\n");
          printSources(frame.data.sources);
          ws.close();
          resolve();
          break;
        case "chat_error":
        case "error":
          fail(`${frame.data.code}: ${frame.data.message}`);
          break;
        case "pong":
          break;
      }
    });
  });
}

async function main(args: string[]): Promise<number> {
  if (args.length < 2 || args.length > 3 || args.some((a) => !a.trim())) {
    console.error(USAGE);
    return 2;
  }
  const username = args[0] ?? "";
  const question = args[args.length - 1] ?? "";
  const profile = await request(
    PublicProfileSchema,
    `/api/v1/public/profiles/${encodeURIComponent(username)}`,
  );
  const agent = pickAgent(username, profile.agents, args.length === 3 ? args[1] : undefined);
  const session = await request(ChatInitResponseSchema, "/api/v1/chat/init", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ agent_id: agent.id }),
  });
  console.log(`${agent.name} (${username}), asked: ${question}\n`);
  const url = new URL(session.websocket_url);
  url.searchParams.set("token", session.session_token);
  await ask(url.toString(), question);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof ChatFailure)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
