/**
 * Which agents new knowledge goes to, so a document is never left answering for nobody by
 * accident. The owner's last choice is remembered in localStorage, per signed-in owner (a
 * browser shared by two owners keeps two choices); ids of deleted agents are dropped. With
 * nothing remembered, the agent most recently worked on (latest `updated_at`) is chosen, which
 * with one agent is that agent. localStorage and not the server: it is a preference of this
 * browser's screen, not data the API needs, and a lost choice only falls back to that default.
 */
import type { Agent } from "../../../../shared/api/agents.ts";
import { user } from "../../lib/auth.ts";

const PREFIX = "nooble.upload-agents.";

function storageKey(): string | null {
  const id = user()?.id;
  return id ? `${PREFIX}${id}` : null;
}

function read(): string[] | null {
  const key = storageKey();
  if (!key) return null;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? "null");
    return Array.isArray(parsed) && parsed.every((v) => typeof v === "string") ? parsed : null;
  } catch {
    return null;
  }
}

/** Remembers the owner's choice for the next visit. */
export function rememberUploadAgents(ids: string[]): void {
  const key = storageKey();
  if (!key) return;
  try {
    localStorage.setItem(key, JSON.stringify(ids));
  } catch {
    // storage full or disabled: the choice lasts this visit only
  }
}

/** The agents new uploads start assigned to: the remembered ones that still exist, else the latest worked on. */
export function defaultUploadAgents(agents: Agent[]): string[] {
  const existing = new Set(agents.map((a) => a.id));
  const remembered = read()?.filter((id) => existing.has(id));
  if (remembered && remembered.length) return remembered;
  const latest = [...agents].sort((a, b) => b.updated_at.localeCompare(a.updated_at))[0];
  return latest ? [latest.id] : [];
}
