/** The conversation CRM: list with filters and totals, one transcript, export as a file. */
import {
  ConversationDetailSchema,
  ConversationListSchema,
} from "../../../../shared/api/conversations.ts";
import type { ConversationDetail, ConversationList } from "../../../../shared/api/conversations.ts";
import { z } from "zod";
import { ApiError, api, query } from "../../lib/api.ts";
import { accessToken } from "../../lib/auth.ts";

export interface ConversationFilter {
  agent_id?: string;
  is_active?: "true" | "false";
  /** ISO date (a whole UTC day) or date-time. */
  from?: string;
  to?: string;
}

export function listConversations(
  filter: ConversationFilter & { limit?: number; offset?: number } = {},
): Promise<ConversationList> {
  return api(`/api/v1/conversations${query({ ...filter })}`, { schema: ConversationListSchema });
}

export function getConversation(id: string): Promise<ConversationDetail> {
  return api(`/api/v1/conversations/${encodeURIComponent(id)}`, {
    schema: ConversationDetailSchema,
  });
}

const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Downloads the export of what `filter` selects (see the server's message limit). */
export function downloadConversationExport(
  format: "csv" | "json",
  filter: ConversationFilter,
): Promise<{ filename: string; truncated: boolean }> {
  return download(
    `/api/v1/conversations/export${query({ ...filter, format })}`,
    `conversations.${format}`,
  );
}

/** Downloads one conversation's transcript (the export's CSV columns or JSON shape). */
export function downloadConversation(
  id: string,
  format: "csv" | "json",
): Promise<{ filename: string; truncated: boolean }> {
  return download(
    `/api/v1/conversations/${encodeURIComponent(id)}/export${query({ format })}`,
    `conversation.${format}`,
  );
}

/**
 * Fetches a file with the bearer token and hands it to the browser as a download (a plain
 * link cannot carry the token). The server's error body becomes an ApiError.
 */
async function download(
  path: string,
  fallbackName: string,
): Promise<{ filename: string; truncated: boolean }> {
  const token = await accessToken();
  const response = await fetch(path, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    const body = ErrorBodySchema.safeParse(await response.json().catch(() => null));
    throw body.success
      ? new ApiError(response.status, body.data.error.code, body.data.error.message)
      : new ApiError(
          response.status,
          `HTTP_${response.status}`,
          `The export failed (${response.status}).`,
        );
  }
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return { filename, truncated: response.headers.get("x-export-truncated") === "true" };
}
