/**
 * The overview's numbers, from the list endpoints' totals (the API has no aggregate endpoint):
 * agents, documents and conversations by their `total`; messages by adding up the
 * conversations' message counts; conversations per day by one filtered total per UTC day.
 */
import { listAgents } from "./agents.ts";
import { listConversations } from "./conversations.ts";
import { listDocuments } from "./documents.ts";

export interface DayCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  count: number;
}

export interface OverviewStats {
  agents: number;
  documents: number;
  conversations: number;
  messages: number;
  /** False when there were more conversations than were added up (messages is then a lower bound). */
  messagesExact: boolean;
}

/** Pages of 100 conversations added up for the message count, at most. */
const MESSAGE_PAGES = 20;

export async function overviewStats(): Promise<OverviewStats> {
  const [agents, documents, first] = await Promise.all([listAgents({ limit: 1 }), listDocuments({ limit: 1 }), listConversations({ limit: 100 })]);
  let messages = first.conversations.reduce((n, c) => n + c.message_count, 0);
  let seen = first.conversations.length;
  for (let page = 1; page < MESSAGE_PAGES && seen < first.total; page++) {
    const next = await listConversations({ limit: 100, offset: page * 100 });
    if (!next.conversations.length) break;
    messages += next.conversations.reduce((n, c) => n + c.message_count, 0);
    seen += next.conversations.length;
  }
  return { agents: agents.total, documents: documents.total, conversations: first.total, messages, messagesExact: seen >= first.total };
}

/** The last `days` UTC days, oldest first, ending today. */
export function lastDays(days: number, now = new Date()): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) => new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

export async function conversationsPerDay(days = 30, parallel = 5): Promise<DayCount[]> {
  const list = lastDays(days);
  const counts = new Array<number>(list.length).fill(0);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < list.length; i = next++) {
      const day = list[i] as string;
      counts[i] = (await listConversations({ from: day, to: day, limit: 1 })).total;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return list.map((day, i) => ({ day, count: counts[i] ?? 0 }));
}
