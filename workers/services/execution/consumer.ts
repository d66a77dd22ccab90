/**
 * Consumer of the `nooble-execution` queue: `execution.chat.simple` and `execution.chat.advance`.
 * The session's ChatSession starts each answer itself the moment the message arrives (a queue
 * hop on that path costs more than the whole time-to-first-token budget; see the class header
 * and the README's architecture notes). The queued action is the turn's durable ledger and a
 * watchdog: handed to the session (`acceptTask`), it does nothing for a task running there or
 * finished, starts one that never started, and restarts one whose run died with an earlier
 * instance of the object. Redeliveries are therefore no-ops.
 */
import { DomainActionSchema } from "../../../shared/actions.ts";
import type { WorkerEnv } from "../../env.ts";
import { createLogger } from "../../log.ts";
import { retryDelaySeconds, sendToDeadLetter } from "../dead-letter.ts";

export const EXECUTION_ACTIONS = ["execution.chat.simple", "execution.chat.advance"] as const;
const QUEUE = "nooble-execution";

export async function handleExecutionBatch(
  batch: MessageBatch<unknown>,
  env: WorkerEnv,
): Promise<void> {
  const log = createLogger({ component: "execution-consumer" });
  // Turns of different sessions are independent: hand them over concurrently.
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = DomainActionSchema.safeParse(msg.body);
      if (!parsed.success) {
        await sendToDeadLetter(
          env,
          QUEUE,
          `invalid DomainAction: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
          msg.body,
        );
        return msg.ack();
      }
      const action = parsed.data;
      const ids = {
        trace_id: action.trace_id,
        tenant_id: action.tenant_id,
        session_id: action.session_id,
        task_id: action.task_id,
      };
      if (!(EXECUTION_ACTIONS as readonly string[]).includes(action.action_type)) {
        await sendToDeadLetter(env, QUEUE, `unknown action type ${action.action_type}`, msg.body);
        return msg.ack();
      }
      try {
        const stub = env.CHAT_SESSION.get(env.CHAT_SESSION.idFromName(action.session_id));
        const result = await stub.acceptTask(action);
        if (result === "unknown")
          log.warn("execution action for a task the session does not know", ids);
        else if (result === "started" || result === "restarted")
          log.info(`execution action ${result} a task the session was not running`, ids);
        msg.ack();
      } catch (err) {
        log.warn("execution hand-over failed; retrying", {
          ...ids,
          attempts: msg.attempts,
          error: String(err),
        });
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
      }
    }),
  );
}
