/**
 * Consumer of the `nooble-execution` queue: `execution.chat.simple` and `execution.chat.advance`.
 * Each action is handed to the session's ChatSession, which runs the turn (see the class
 * header for why the answer streams there). Redeliveries are no-ops: the session knows which
 * tasks are queued, running or finished.
 */
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { WorkerEnv } from "../../env.ts";
import { createLogger } from "../../log.ts";
import { retryDelaySeconds, sendToDeadLetter } from "../dead-letter.ts";

export const EXECUTION_ACTIONS = ["execution.chat.simple", "execution.chat.advance"] as const;
const QUEUE = "nooble-execution";

export async function handleExecutionBatch(batch: MessageBatch<unknown>, env: WorkerEnv): Promise<void> {
  const log = createLogger({ component: "execution-consumer" });
  // Turns of different sessions are independent: hand them over concurrently.
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = DomainActionSchema.safeParse(msg.body);
      if (!parsed.success) {
        await sendToDeadLetter(env, QUEUE, `invalid DomainAction: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, msg.body);
        return msg.ack();
      }
      const action = parsed.data;
      const ids = { trace_id: action.trace_id, tenant_id: action.tenant_id, session_id: action.session_id, task_id: action.task_id };
      if (!(EXECUTION_ACTIONS as readonly string[]).includes(action.action_type)) {
        await sendToDeadLetter(env, QUEUE, `unknown action type ${action.action_type}`, msg.body);
        return msg.ack();
      }
      try {
        const stub = env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(action.session_id));
        const result = await stub.acceptTask(action);
        if (result === "unknown") log.warn("execution action for a task the session does not know", ids);
        msg.ack();
      } catch (err) {
        log.warn("execution hand-over failed; retrying", { ...ids, attempts: msg.attempts, error: String(err) });
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }),
  );
}
