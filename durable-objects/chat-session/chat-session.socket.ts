/**
 * Socket bookkeeping for ChatSession, kept out of the class: safe sends and each socket's
 * stream cursor (which chunk of which task attempt it should get next). Cursors live in memory
 * while the object is awake and in the socket's attachment across hibernation.
 */
import { z } from "zod";

export const CursorSchema = z.object({
  task_id: z.string(),
  attempt: z.number().int(),
  next_idx: z.number().int(),
  /** The agent_step it should get next (advanced mode); steps outlive attempts. */
  next_step: z.number().int().default(0),
});
export type Cursor = z.infer<typeof CursorSchema>;
/** A cursor as set: next_step defaults to 0. */
export type CursorInput = z.input<typeof CursorSchema>;

const AttachmentSchema = z.object({ connected_at: z.number(), cursor: CursorSchema.nullable() });
type Attachment = z.infer<typeof AttachmentSchema>;

/** Sends without throwing: a socket closing under us must not break the others. */
export function sendSafely(ws: WebSocket, text: string): boolean {
  try {
    ws.send(text);
    return true;
  } catch {
    return false;
  }
}

export class SocketCursors {
  private readonly cache = new Map<WebSocket, Cursor | null>();

  attach(ws: WebSocket, input: CursorInput | null): void {
    const cursor = input && { next_step: 0, ...input };
    const attachment: Attachment = { connected_at: Date.now(), cursor };
    ws.serializeAttachment(attachment);
    this.cache.set(ws, cursor);
  }

  get(ws: WebSocket): Cursor | null {
    if (this.cache.has(ws)) return this.cache.get(ws) ?? null;
    const parsed = AttachmentSchema.safeParse(ws.deserializeAttachment());
    const cursor = parsed.success ? parsed.data.cursor : null;
    this.cache.set(ws, cursor);
    return cursor;
  }

  /** Sets and persists a cursor (task start, new attempt, resume). */
  set(ws: WebSocket, input: CursorInput | null): void {
    const cursor = input && { next_step: 0, ...input };
    this.cache.set(ws, cursor);
    const parsed = AttachmentSchema.safeParse(ws.deserializeAttachment());
    ws.serializeAttachment({
      connected_at: parsed.success ? parsed.data.connected_at : Date.now(),
      cursor,
    });
  }

  /** Advances in memory only: per-chunk writes would cost more than they protect (no hibernation mid-stream). */
  advance(ws: WebSocket, cursor: Cursor): void {
    this.cache.set(ws, { ...cursor, next_idx: cursor.next_idx + 1 });
  }

  /** A step was sent: persisted (steps are few, and a hibernating socket must not get one twice). */
  advanceStep(ws: WebSocket, cursor: Cursor): void {
    this.set(ws, { ...cursor, next_step: cursor.next_step + 1 });
  }

  forget(ws: WebSocket): void {
    this.cache.delete(ws);
  }
}
