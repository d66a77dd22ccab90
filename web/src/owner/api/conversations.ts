/** The conversation CRM: list with filters and totals, one transcript, export as a file. */
import {
  ConversationDetailSchema,
  ConversationListSchema,
} from "../../../../shared/api/conversations.ts";
import type { ConversationDetail, ConversationList } from "../../../../shared/api/conversations.ts";
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

/** Fetches the export with the bearer token and hands it to the browser as a download. */
export async function downloadConversationExport(
  format: "csv" | "json",
  filter: ConversationFilter,
): Promise<{ filename: string; truncated: boolean }> {
  const token = await accessToken();
  const response = await fetch(`/api/v1/conversations/export${query({ ...filter, format })}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (!response.ok) {
    let message = `The export failed (${response.status}).`;
    let code = `HTTP_${response.status}`;
    try {
      const body = (await response.json()) as { error?: { code?: string; message?: string } };
      message = body.error?.message ?? message;
      code = body.error?.code ?? code;
    } catch {
      // not JSON
    }
    throw new ApiError(response.status, code, message);
  }
  const blob = await response.blob();
  const disposition = response.headers.get("content-disposition") ?? "";
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `conversations.${format}`;
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
