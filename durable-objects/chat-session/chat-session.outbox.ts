/**
 * ChatSession's outbox: the conversation actions (a finished turn's messages, the session's
 * end, a contact an agent captured) are written to storage in the same transaction as the state they report, then sent to
 * the conversation queue after the frames of that event have left (a run sends when it ends:
 * deleting the sent rows is a storage write, and a frame sent after a write waits for its
 * commit). A send that fails stays for the next try (the alarm), so the CRM
 * loses nothing when the queue is briefly unavailable; the consumer's upserts make a resend
 * harmless.
 */
import { z } from "zod";
import { DomainActionSchema, createDomainAction } from "../../shared/actions.ts";
import type { DomainAction } from "../../shared/actions.ts";
import { CONVERSATION_ACTIONS, ContactCaptureDataSchema } from "../../shared/conversation.ts";
import type {
  ContactCaptureData,
  MessageCreateData,
  PersistedMessage,
  SessionEndData,
} from "../../shared/conversation.ts";
import type { CapturedContact } from "../../workers/agent/tools/types.ts";
import { InvalidAction, sendAction } from "../../workers/actions.ts";
import type { WorkerEnv } from "../../workers/env.ts";
import type { Logger } from "../../workers/log.ts";
import type { ChatSessionStore, MessageRow, SessionRow } from "./chat-session.sql.ts";

// An earlier version also kept each turn's `execution` ledger here: a row of it left at a deploy
// no longer parses, and is dropped like any unreadable row.
const OutboxItemSchema = z.object({ queue: z.literal("conversation"), action: DomainActionSchema });
type OutboxItem = z.infer<typeof OutboxItemSchema>;

export class ChatSessionOutbox {
  private readonly store: ChatSessionStore;
  private readonly env: WorkerEnv;
  private readonly log: Logger;
  private flushing: Promise<void> | null = null;
  /** The last capture's time here: two captures in one event (the clock stands still) stay ordered. */
  private lastCaptureAt = 0;

  constructor(store: ChatSessionStore, env: WorkerEnv, log: Logger) {
    this.store = store;
    this.env = env;
    this.log = log;
  }

  /** Whether rows wait to be sent. */
  pending(): boolean {
    return this.store.hasOutbox();
  }

  /** A turn's messages for the CRM: both when it is answered, the visitor's alone if it failed. */
  persistTurn(session: SessionRow, messages: MessageRow[], taskId: string): void {
    const data: MessageCreateData = {
      conversation_id: session.conversation_id,
      session_id: session.session_id,
      agent_id: session.agent.id,
      started_at: new Date(session.created_at).toISOString(),
      visitor: session.visitor,
      messages: messages.map((m): PersistedMessage => ({
        id: m.id,
        role: m.role,
        content: m.content,
        seq: m.seq,
        created_at: new Date(m.created_at).toISOString(),
        metadata: m.metadata,
      })),
    };
    this.enqueue(conversationAction(session, CONVERSATION_ACTIONS.messageCreate, taskId, data));
  }

  /** The session ended (`now`, `reason`): the conversation is marked ended. */
  sessionEnded(session: SessionRow, now: number, reason: SessionEndData["reason"]): void {
    const data: SessionEndData = {
      conversation_id: session.conversation_id,
      session_id: session.session_id,
      agent_id: session.agent.id,
      started_at: new Date(session.created_at).toISOString(),
      ended_at: new Date(now).toISOString(),
      reason,
      visitor: session.visitor,
    };
    this.enqueue(
      conversationAction(session, CONVERSATION_ACTIONS.sessionEnd, session.session_id, data),
    );
  }

  /**
   * A contact the agent captured (capture_contact), for the conversation in the CRM. Its
   * `captured_at` orders captures, so the consumer keeps the latest whatever the delivery
   * order, and a redelivery writes the same row. A contact its schema refuses (none of name,
   * email and phone; an invalid email) throws here, to the tool, rather than never sending.
   */
  captureContact(session: SessionRow, contact: CapturedContact): void {
    this.lastCaptureAt = Math.max(Date.now(), this.lastCaptureAt + 1);
    const data: ContactCaptureData = ContactCaptureDataSchema.parse({
      conversation_id: session.conversation_id,
      session_id: session.session_id,
      agent_id: session.agent.id,
      started_at: new Date(session.created_at).toISOString(),
      visitor: session.visitor,
      contact: {
        name: contact.name ?? null,
        email: contact.email ?? null,
        phone: contact.phone ?? null,
        note: contact.note ?? null,
        captured_at: new Date(this.lastCaptureAt).toISOString(),
      },
    });
    this.enqueue(
      conversationAction(session, CONVERSATION_ACTIONS.contactCapture, session.session_id, data),
    );
  }

  /** Sends what the outbox holds; what fails stays for the next alarm. One flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private enqueue(action: DomainAction): void {
    const item: OutboxItem = { queue: "conversation", action };
    this.store.enqueueOutbox(action.action_id, item, Date.now());
  }

  private async send(): Promise<void> {
    for (const { id, body } of this.store.outbox()) {
      const parsed = OutboxItemSchema.safeParse(body);
      if (!parsed.success) {
        this.log.error("dropping unreadable outbox entry", { action_id: id });
        this.store.removeOutbox(id);
        continue;
      }
      try {
        await sendAction(this.env, parsed.data.action);
        this.store.removeOutbox(id);
      } catch (err) {
        if (err instanceof InvalidAction) {
          // No retry can send it, and left in place it would hold back every row after it.
          this.log.error("dropping outbox entry no queue accepts", {
            action_id: id,
            error: err.message,
          });
          this.store.removeOutbox(id);
          continue;
        }
        this.log.warn("queue send failed; will retry", {
          queue: parsed.data.queue,
          action_id: id,
          error: String(err),
        });
        return;
      }
    }
  }
}

function conversationAction(
  session: SessionRow,
  actionType: string,
  taskId: string,
  data: MessageCreateData | SessionEndData | ContactCaptureData,
): DomainAction {
  return createDomainAction({
    action_type: actionType,
    tenant_id: session.agent.tenant_id,
    session_id: session.session_id,
    task_id: taskId,
    agent_id: session.agent.id,
    origin_service: "chat-session",
    trace_id: taskId,
    data: { ...data },
  });
}
