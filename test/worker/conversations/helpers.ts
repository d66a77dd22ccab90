/**
 * Helpers for the conversation service tests: chat sessions that build the DomainActions the
 * ChatSession queues, deliveries through the consumer, a recorder for the dead-letter queue,
 * and calls to the CRM routes through the Worker.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { vi } from "vitest";
import { z } from "zod";
import { createDomainAction } from "../../../shared/actions.ts";
import { CONVERSATION_ACTIONS } from "../../../shared/conversation.ts";
import type {
  CapturedContactRecord,
  MessageMetadata,
  PersistedMessage,
  VisitorInfo,
} from "../../../shared/conversation.ts";
import { openDatabase } from "../../../workers/db/client.ts";
import type { WorkerEnv } from "../../../workers/env.ts";
import { conversationIdFor } from "../../../workers/ids.ts";
import {
  CONVERSATION_QUEUE_NAME,
  handleConversationBatch,
} from "../../../workers/services/conversation/consumer.ts";
import { api, createAgent, signIn } from "../helpers.ts";

/** Calls a CRM route (`/api/v1/conversations...`) through the Worker as the owner of `token`. */
export function crm(path: string, token?: string): Promise<Response> {
  return api(`/api/v1/conversations${path}`, token ? { token } : {});
}

/** The test database, for checks the API does not show (row counts). */
export const database = () => openDatabase(env.HYPERDRIVE.connectionString);

/** An owner with a profile and one agent. */
export async function ownerWithAgent() {
  const owner = await signIn();
  const agent = await createAgent(owner.token);
  return { ...owner, agent };
}

export interface MessageSpec {
  role?: PersistedMessage["role"];
  content?: string;
  metadata?: MessageMetadata;
}

/** A visitor's chat session: numbers messages as the ChatSession does and wraps them in DomainActions. */
export async function chatSession(
  tenantId: string,
  agentId: string,
  opts: { startedAt?: Date; visitor?: VisitorInfo } = {},
) {
  const sessionId = `session-${crypto.randomUUID()}`;
  const conversationId = await conversationIdFor(tenantId, sessionId, agentId);
  const startedAt = opts.startedAt ?? new Date();
  const visitor = opts.visitor ?? {
    visitor_id: "visitor-1",
    user_agent: "Mozilla/5.0 test",
    country: "FR",
    referrer_origin: "https://example.com",
  };
  let seq = 0;
  const envelope = (actionType: string) => ({
    action_type: actionType,
    tenant_id: tenantId,
    session_id: sessionId,
    task_id: `task-${crypto.randomUUID()}`,
    agent_id: agentId,
    origin_service: "chat-session",
    trace_id: `trace-${crypto.randomUUID()}`,
  });
  const common = {
    conversation_id: conversationId,
    session_id: sessionId,
    agent_id: agentId,
    started_at: startedAt.toISOString(),
    visitor,
  };
  return {
    sessionId,
    conversationId,
    /** The next messages of the session (alternating user/assistant unless a role is given), one second apart. */
    messages(...specs: MessageSpec[]): PersistedMessage[] {
      return specs.map((spec) => {
        const n = seq++;
        return {
          id: crypto.randomUUID(),
          seq: n,
          role: spec.role ?? (n % 2 === 0 ? "user" : "assistant"),
          content: spec.content ?? `message ${n}`,
          created_at: new Date(startedAt.getTime() + (n + 1) * 1000).toISOString(),
          metadata: spec.metadata ?? {},
        };
      });
    },
    create: (messages: PersistedMessage[]) =>
      createDomainAction({
        ...envelope(CONVERSATION_ACTIONS.messageCreate),
        data: { ...common, messages },
      }),
    end: (endedAt: Date, reason: "deleted" | "idle" | "expired" = "deleted") =>
      createDomainAction({
        ...envelope(CONVERSATION_ACTIONS.sessionEnd),
        data: { ...common, ended_at: endedAt.toISOString(), reason },
      }),
    /** `conversation.contact.capture` of `contact` (fields left out are null), captured at `capturedAt`. */
    contact: (contact: Partial<Omit<CapturedContactRecord, "captured_at">>, capturedAt: Date) =>
      createDomainAction({
        ...envelope(CONVERSATION_ACTIONS.contactCapture),
        data: {
          ...common,
          contact: {
            name: null,
            email: null,
            phone: null,
            note: null,
            ...contact,
            captured_at: capturedAt.toISOString(),
          },
        },
      }),
  };
}

/** Delivers `bodies` as one batch to the consumer (as the queue would, with `attempts`) and returns what it acked and retried. */
export async function deliver(
  bodies: readonly unknown[],
  opts: { attempts?: number; env?: WorkerEnv } = {},
) {
  const batch = createMessageBatch(
    CONVERSATION_QUEUE_NAME,
    bodies.map((body) => ({
      id: crypto.randomUUID(),
      timestamp: new Date(),
      attempts: opts.attempts ?? 1,
      body,
    })),
  );
  const retries = batch.messages.map((m) => vi.spyOn(m, "retry"));
  const ctx = createExecutionContext();
  await handleConversationBatch(batch, opts.env ?? env);
  const result = await getQueueResult(batch, ctx);
  return {
    ...result,
    retryDelays: retries.flatMap((spy) => spy.mock.calls.map(([options]) => options?.delaySeconds)),
  };
}

export const DeadLetterSchema = z.object({
  reason: z.string(),
  queue: z.literal(CONVERSATION_QUEUE_NAME),
  body: z.unknown(),
});

/** Records what is sent to the dead-letter queue from now on (the real binding still receives it). */
export function recordDeadLetters() {
  const send = vi.spyOn(env.DEAD_LETTER_QUEUE, "send");
  return () => send.mock.calls.map(([letter]) => DeadLetterSchema.parse(letter));
}

/** Deterministic shuffles, so a failing order can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) [out[i], out[j]] = [b, a];
  }
  return out;
}

/**
 * A stored conversation owned by `token`'s tenant, for route-table probes such as
 * test/worker/tenant-isolation.test.ts: `{ id }` of a conversation with one turn.
 */
export async function seedConversation(token: string): Promise<{ id: string }> {
  const profile = z
    .object({ id: z.string() })
    .parse(await (await api("/api/v1/profile", { token })).json());
  const agent = await createAgent(token);
  const session = await chatSession(profile.id, agent.id);
  await deliver([session.create(session.messages({ content: "hello" }, { content: "hi there" }))]);
  return { id: session.conversationId };
}
