/**
 * The ChatSession's SQLite storage: the session row, messages, tasks, each task's streamed
 * chunks (current attempt only, one row per written batch), an outbox of DomainActions not yet queued, per-minute
 * message counts, and the task of chat/init's `initial_message` with whether a socket has been
 * given its frames yet. All calls are synchronous (Durable Object SQLite).
 */
import { z } from "zod";
import { AgentTurnStore } from "./chat-session.agent-store.ts";
import { AgentSnapshotSchema } from "../../workers/chat/agent-snapshot.ts";
import type { AgentSnapshot } from "../../workers/chat/agent-snapshot.ts";
import { MessageMetadataSchema, VisitorInfoSchema } from "../../shared/conversation.ts";
import type { MessageMetadata, VisitorInfo } from "../../shared/conversation.ts";
import { ChatErrorDataSchema, ExecutionModeSchema } from "../../shared/protocol/chat.ts";
import type { ChatErrorData, ExecutionMode } from "../../shared/protocol/chat.ts";

export const SCHEMA = `
create table if not exists session (
  id integer primary key check (id = 1), session_id text not null, agent text not null, visitor text not null,
  conversation_id text not null, created_at integer not null, last_activity_at integer not null,
  ended_at integer, end_reason text
);
create table if not exists messages (
  id text primary key, seq integer not null unique, role text not null, content text not null,
  task_id text, created_at integer not null, metadata text not null default '{}'
);
create table if not exists tasks (
  id text primary key, user_message_id text not null, mode text not null, status text not null,
  attempt integer not null default 0, created_at integer not null, updated_at integer not null,
  error text, assistant_message_id text
);
create table if not exists chunks (task_id text not null, idx integer not null, content text not null, primary key (task_id, idx));
create table if not exists chunk_batches (
  task_id text not null, first_idx integer not null, last_idx integer not null, contents text not null,
  primary key (task_id, first_idx)
) without rowid;
create table if not exists outbox (id text primary key, body text not null, created_at integer not null);
create table if not exists rate (minute integer primary key, count integer not null);
create table if not exists initial_task (task_id text primary key, delivered integer not null default 0);
`;

/** A stored batch's texts: chunk `first_idx + i` is element i. */
const BatchContentsSchema = z.array(z.string());
/** The most messages a session reads back: the connection_ack transcript and a turn's history. */
export const HISTORY_LIMIT = 200;

const TaskStatusSchema = z.enum(["queued", "ready", "running", "completed", "failed"]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;
const ACTIVE: TaskStatus[] = ["queued", "ready", "running"];

export interface SessionRow {
  session_id: string;
  agent: AgentSnapshot;
  visitor: VisitorInfo;
  conversation_id: string;
  created_at: number;
  last_activity_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface MessageRow {
  id: string;
  seq: number;
  role: "user" | "assistant";
  content: string;
  task_id: string | null;
  created_at: number;
  metadata: MessageMetadata;
}

export interface TaskRow {
  id: string;
  user_message_id: string;
  mode: ExecutionMode;
  status: TaskStatus;
  attempt: number;
  created_at: number;
  updated_at: number;
  error: ChatErrorData | null;
  assistant_message_id: string | null;
}

// A type alias (not an interface) so it satisfies SqlStorage's row constraint.
type MessageRecord = {
  id: string;
  seq: number;
  role: string;
  content: string;
  task_id: string | null;
  created_at: number;
  metadata: string;
};

const toMessage = (r: MessageRecord): MessageRow => ({
  ...r,
  role: r.role === "assistant" ? "assistant" : "user",
  metadata: MessageMetadataSchema.parse(JSON.parse(r.metadata)),
});

const json = (v: unknown) => JSON.stringify(v);

export class ChatSessionStore {
  private readonly sql: SqlStorage;
  /** Advanced-mode turns' steps and loop state. */
  readonly agentTurns: AgentTurnStore;
  private parsed: {
    agent: string;
    visitor: string;
    value: { agent: AgentSnapshot; visitor: VisitorInfo };
  } | null = null;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA);
    this.agentTurns = new AgentTurnStore(sql);
  }

  getSession(): SessionRow | null {
    const row = this.sql
      .exec<{
        session_id: string;
        agent: string;
        visitor: string;
        conversation_id: string;
        created_at: number;
        last_activity_at: number;
        ended_at: number | null;
        end_reason: string | null;
      }>(
        "select session_id, agent, visitor, conversation_id, created_at, last_activity_at, ended_at, end_reason from session where id = 1",
      )
      .toArray()[0];
    if (!row) return null;
    // The agent snapshot and visitor never change after chat/init: validated once per instance
    // (the session is read several times per turn), keyed by the stored text.
    if (this.parsed?.agent !== row.agent || this.parsed.visitor !== row.visitor) {
      this.parsed = {
        agent: row.agent,
        visitor: row.visitor,
        value: {
          agent: AgentSnapshotSchema.parse(JSON.parse(row.agent)),
          visitor: VisitorInfoSchema.parse(JSON.parse(row.visitor)),
        },
      };
    }
    return { ...row, ...this.parsed.value };
  }

  /** Creates the session row; false if it already existed (nothing changed). */
  createSession(s: {
    session_id: string;
    agent: AgentSnapshot;
    visitor: VisitorInfo;
    conversation_id: string;
    now: number;
  }): boolean {
    return (
      this.sql.exec(
        "insert into session (id, session_id, agent, visitor, conversation_id, created_at, last_activity_at) values (1, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing",
        s.session_id,
        json(s.agent),
        json(s.visitor),
        s.conversation_id,
        s.now,
        s.now,
      ).rowsWritten > 0
    );
  }

  /** The task chat/init's `initial_message` started, and whether a socket has received its frames. */
  initialTask(): { task_id: string; delivered: boolean } | null {
    const row = this.sql
      .exec<{ task_id: string; delivered: number }>(
        "select task_id, delivered from initial_task limit 1",
      )
      .toArray()[0];
    return row ? { task_id: row.task_id, delivered: row.delivered !== 0 } : null;
  }

  setInitialTask(taskId: string): void {
    this.sql.exec(
      "insert into initial_task (task_id) values (?) on conflict (task_id) do nothing",
      taskId,
    );
  }

  markInitialTaskDelivered(): void {
    this.sql.exec("update initial_task set delivered = 1");
  }

  touch(now: number): void {
    this.sql.exec("update session set last_activity_at = ? where id = 1", now);
  }

  endSession(now: number, reason: string): void {
    this.sql.exec(
      "update session set ended_at = ?, end_reason = ? where id = 1 and ended_at is null",
      now,
      reason,
    );
  }

  messageCount(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from messages").one().n;
  }

  /** The last `limit` messages, oldest first. */
  messages(limit = 1000): MessageRow[] {
    return this.sql
      .exec<MessageRecord>(
        "select * from (select * from messages order by seq desc limit ?) order by seq asc",
        limit,
      )
      .toArray()
      .map(toMessage);
  }

  getMessage(id: string): MessageRow | null {
    const r = this.sql.exec<MessageRecord>("select * from messages where id = ?", id).toArray()[0];
    return r ? toMessage(r) : null;
  }

  insertMessage(m: Omit<MessageRow, "seq">): MessageRow {
    const seq = this.sql
      .exec<{ next: number }>("select coalesce(max(seq), -1) + 1 as next from messages")
      .one().next;
    this.sql.exec(
      "insert into messages (id, seq, role, content, task_id, created_at, metadata) values (?, ?, ?, ?, ?, ?, ?)",
      m.id,
      seq,
      m.role,
      m.content,
      m.task_id,
      m.created_at,
      json(m.metadata),
    );
    return { ...m, seq };
  }

  private toTask(r: {
    id: string;
    user_message_id: string;
    mode: string;
    status: string;
    attempt: number;
    created_at: number;
    updated_at: number;
    error: string | null;
    assistant_message_id: string | null;
  }): TaskRow {
    return {
      ...r,
      mode: ExecutionModeSchema.parse(r.mode),
      status: TaskStatusSchema.parse(r.status),
      error: r.error ? ChatErrorDataSchema.parse(JSON.parse(r.error)) : null,
    };
  }

  getTask(id: string): TaskRow | null {
    const r = this.sql
      .exec<Parameters<ChatSessionStore["toTask"]>[0]>("select * from tasks where id = ?", id)
      .toArray()[0];
    return r ? this.toTask(r) : null;
  }

  activeTask(): TaskRow | null {
    const r = this.sql
      .exec<Parameters<ChatSessionStore["toTask"]>[0]>(
        `select * from tasks where status in (${ACTIVE.map(() => "?").join(",")}) order by created_at limit 1`,
        ...ACTIVE,
      )
      .toArray()[0];
    return r ? this.toTask(r) : null;
  }

  insertTask(t: { id: string; user_message_id: string; mode: ExecutionMode; now: number }): void {
    this.sql.exec(
      "insert into tasks (id, user_message_id, mode, status, attempt, created_at, updated_at) values (?, ?, ?, 'queued', 0, ?, ?)",
      t.id,
      t.user_message_id,
      t.mode,
      t.now,
      t.now,
    );
  }

  setTaskStatus(
    id: string,
    status: TaskStatus,
    now: number,
    extra: { attempt?: number; error?: TaskRow["error"]; assistant_message_id?: string } = {},
  ): void {
    this.sql.exec(
      "update tasks set status = ?, updated_at = ?, attempt = coalesce(?, attempt), error = coalesce(?, error), assistant_message_id = coalesce(?, assistant_message_id) where id = ?",
      status,
      now,
      extra.attempt ?? null,
      extra.error ? json(extra.error) : null,
      extra.assistant_message_id ?? null,
      id,
    );
  }

  /*
   * Chunks are stored one row per written batch (chunk_batches), not one row per chunk: rows
   * written are what Cloudflare bills for a Durable Object's SQLite, and a row per chunk (plus
   * its primary-key index entry) was nearly all of a turn's cost. `without rowid` keeps the
   * primary key the table itself, so a batch is one row written, not a row and an index entry.
   * Sessions from before wrote a row per chunk into `chunks`: that table is still read and
   * cleared, so their completed answers resume and a restarted attempt replaces their chunks.
   * A task's chunks are in one table or the other (an attempt writes to one, a new attempt
   * clears both), and reading both in index order is correct either way.
   */

  /** A new attempt starts: the old attempt's chunks are dropped. */
  clearChunks(taskId: string): void {
    this.sql.exec("delete from chunk_batches where task_id = ?", taskId);
    this.sql.exec("delete from chunks where task_id = ?", taskId);
  }

  /**
   * A batch of one attempt's chunks, `firstIdx` onwards, as one row (see chat-session.stream.ts
   * for when batches are written).
   */
  appendChunks(taskId: string, firstIdx: number, contents: string[]): void {
    if (contents.length === 0) return;
    this.sql.exec(
      "insert into chunk_batches (task_id, first_idx, last_idx, contents) values (?, ?, ?, ?)",
      taskId,
      firstIdx,
      firstIdx + contents.length - 1,
      json(contents),
    );
  }

  /** The stored chunks after index `afterIdx`, in order, each once (a batch may start before it). */
  chunksAfter(taskId: string, afterIdx: number): { idx: number; content: string }[] {
    const out: { idx: number; content: string }[] = this.sql
      .exec<{ idx: number; content: string }>(
        "select idx, content from chunks where task_id = ? and idx > ? order by idx",
        taskId,
        afterIdx,
      )
      .toArray();
    const batches = this.sql.exec<{ first_idx: number; contents: string }>(
      "select first_idx, contents from chunk_batches where task_id = ? and last_idx > ? order by first_idx",
      taskId,
      afterIdx,
    );
    for (const b of batches) {
      BatchContentsSchema.parse(JSON.parse(b.contents)).forEach((content, i) => {
        const idx = b.first_idx + i;
        if (idx > afterIdx) out.push({ idx, content });
      });
    }
    return out;
  }

  chunkCount(taskId: string): number {
    return this.sql
      .exec<{ n: number }>(
        `select (select count(*) from chunks where task_id = ?)
          + (select coalesce(sum(last_idx - first_idx + 1), 0) from chunk_batches where task_id = ?) as n`,
        taskId,
        taskId,
      )
      .one().n;
  }

  /** Counts a message in this minute's bucket; returns the count including it. */
  countMessage(now: number): number {
    const minute = Math.floor(now / 60_000);
    this.sql.exec("delete from rate where minute < ?", minute - 1);
    this.sql.exec(
      "insert into rate (minute, count) values (?, 1) on conflict (minute) do update set count = count + 1",
      minute,
    );
    return this.sql.exec<{ count: number }>("select count from rate where minute = ?", minute).one()
      .count;
  }

  messagesThisMinute(now: number): number {
    const row = this.sql
      .exec<{ count: number }>("select count from rate where minute = ?", Math.floor(now / 60_000))
      .toArray()[0];
    return row?.count ?? 0;
  }

  enqueueOutbox(id: string, body: unknown, now: number): void {
    this.sql.exec(
      "insert into outbox (id, body, created_at) values (?, ?, ?) on conflict (id) do nothing",
      id,
      json(body),
      now,
    );
  }

  outbox(): { id: string; body: unknown }[] {
    return this.sql
      .exec<{ id: string; body: string }>("select id, body from outbox order by created_at")
      .toArray()
      .map((r) => ({ id: r.id, body: JSON.parse(r.body) }));
  }

  hasOutbox(): boolean {
    return this.sql.exec("select 1 from outbox limit 1").toArray().length > 0;
  }

  removeOutbox(id: string): void {
    this.sql.exec("delete from outbox where id = ?", id);
  }
}
