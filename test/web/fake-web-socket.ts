/**
 * A scripted stand-in for the browser's WebSocket, for the chat panel's tests: the test opens
 * it, makes it receive server frames in the shared envelope, and drops it; what the page sent
 * is kept, parsed, in `sent`.
 */
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000, reason = "") {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  // ---- the server's side ----
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message_type: string, data: unknown, task_id: string | null = null) {
    this.onmessage?.({
      data: JSON.stringify({
        message_id: crypto.randomUUID(),
        message_type,
        timestamp: new Date().toISOString(),
        data,
        session_id: "s1",
        task_id,
      }),
    });
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: "" });
  }
}
