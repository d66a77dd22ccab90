/** Deterministic ids: the same inputs always give the same uuid-shaped id (version 8, "custom"). */
export async function uuidFromName(name: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(name)),
  );
  const b = digest.slice(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The conversation a chat session writes to: one per (tenant, session, agent). */
export const conversationIdFor = (tenantId: string, sessionId: string, agentId: string) =>
  uuidFromName(`nooble-conversation:${tenantId}:${sessionId}:${agentId}`);
