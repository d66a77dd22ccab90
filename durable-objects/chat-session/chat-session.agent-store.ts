/**
 * ChatSession storage of advanced-mode turns: each task's steps (what the visitor was shown,
 * numbered from 0, kept across attempts so a reconnecting client gets each once) and the
 * loop's state (workers/agent/agent-state.ts), so a restarted turn goes on from its last
 * checkpoint without calling the model again for steps already done. Written synchronously
 * before the frame that tells of them leaves (the output gate holds frames until the commit).
 */
import { AgentStepRecordSchema } from "../../shared/conversation.ts";
import type { AgentStepRecord } from "../../shared/conversation.ts";
import { parseAgentState } from "../../workers/agent/agent-state.ts";
import type { AgentState } from "../../workers/agent/agent-state.ts";

export const AGENT_SCHEMA = `
create table if not exists agent_steps (
  task_id text not null, step integer not null, body text not null, primary key (task_id, step)
) without rowid;
create table if not exists agent_state (task_id text primary key, body text not null) without rowid;
`;

export class AgentTurnStore {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(AGENT_SCHEMA);
  }

  /** Stores a step; the same step number again (a replayed write) changes nothing. */
  appendStep(taskId: string, step: AgentStepRecord): void {
    this.sql.exec(
      "insert or ignore into agent_steps (task_id, step, body) values (?, ?, ?)",
      taskId,
      step.step,
      JSON.stringify(step),
    );
  }

  /** The steps after number `afterStep`, in order. */
  stepsAfter(taskId: string, afterStep: number): AgentStepRecord[] {
    return this.sql
      .exec<{ body: string }>(
        "select body from agent_steps where task_id = ? and step > ? order by step",
        taskId,
        afterStep,
      )
      .toArray()
      .map((r) => AgentStepRecordSchema.parse(JSON.parse(r.body)));
  }

  stepCount(taskId: string): number {
    return this.sql
      .exec<{ n: number }>("select count(*) as n from agent_steps where task_id = ?", taskId)
      .one().n;
  }

  saveState(taskId: string, state: AgentState): void {
    this.sql.exec(
      "insert into agent_state (task_id, body) values (?, ?) on conflict (task_id) do update set body = excluded.body",
      taskId,
      JSON.stringify(state),
    );
  }

  /** The turn's last checkpoint, or null (none yet, or unreadable: the turn starts over). */
  state(taskId: string): AgentState | null {
    const row = this.sql
      .exec<{ body: string }>("select body from agent_state where task_id = ?", taskId)
      .toArray()[0];
    return parseAgentState(row?.body ?? null);
  }

  /** The turn ended: its working state goes (its steps stay, for replay to late sockets). */
  dropState(taskId: string): void {
    this.sql.exec("delete from agent_state where task_id = ?", taskId);
  }
}
