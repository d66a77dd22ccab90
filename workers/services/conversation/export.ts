/**
 * Conversation exports, written page by page so memory holds one page (CSV) or one
 * conversation (JSON) at a time. CSV is RFC 4180 (every cell quoted when it holds a comma,
 * quote or line break; CRLF rows) and guarded against spreadsheet formula injection: a cell a
 * spreadsheet would evaluate (starting with = + - @, tab or carriage return) gets a leading
 * single quote, as OWASP recommends. A CSV writer is a dozen lines; a library would be heavier.
 */
import { CSV_COLUMNS } from "../../../shared/api/conversations.ts";
import type { ConversationExport } from "../../../shared/api/conversations.ts";
import type { ExportRow } from "../../db/conversations.ts";

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV cell: formula-guarded, then quoted if needed. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: readonly (string | number | null)[]) =>
  `${cells.map(csvCell).join(",")}\r\n`;

export const csvHeader = () => csvLine(CSV_COLUMNS);

/** The CSV lines of one page of export rows. */
export function csvLines(rows: readonly ExportRow[]): string {
  return rows
    .map(({ conversation: c, message: m }) =>
      csvLine([
        c.id,
        c.agent_name,
        c.started_at,
        m?.role ?? null,
        m?.content ?? null,
        m?.created_at ?? null,
        c.contact?.name ?? null,
        c.contact?.email ?? null,
        c.contact?.phone ?? null,
        c.contact?.note ?? null,
      ]),
    )
    .join("");
}

type ExportedConversation = ConversationExport["conversations"][number];

/**
 * Streams `{ "conversations": [...], "truncated": ..., "message_limit": ... }`. Rows arrive
 * grouped by conversation (the export query orders them so); each conversation is written
 * once its last row has been seen.
 */
export class JsonExportWriter {
  private current: ExportedConversation | undefined;
  private first = true;
  private readonly write: (text: string) => Promise<void>;

  constructor(write: (text: string) => Promise<void>) {
    this.write = write;
  }

  async start(): Promise<void> {
    await this.write('{"conversations":[');
  }

  async page(rows: readonly ExportRow[]): Promise<void> {
    for (const { conversation, message } of rows) {
      if (this.current?.id !== conversation.id) {
        await this.flush();
        this.current = { ...conversation, messages: [] };
      }
      if (message) this.current.messages.push(message);
    }
  }

  async finish(meta: { truncated: boolean; message_limit: number }): Promise<void> {
    await this.flush();
    await this.write(`],"truncated":${meta.truncated},"message_limit":${meta.message_limit}}`);
  }

  private async flush(): Promise<void> {
    if (!this.current) return;
    await this.write(`${this.first ? "" : ","}${JSON.stringify(this.current)}`);
    this.first = false;
    this.current = undefined;
  }
}
