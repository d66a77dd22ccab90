/**
 * Whether the owner has shared their public page: they copied its link or opened it from the
 * dashboard (ShareLink). The server cannot know that a link was passed on, so this is the
 * honest signal the onboarding checklist has; it is kept per owner in localStorage.
 */
import { createSignal } from "solid-js";
import { user } from "../../lib/auth.ts";

const PREFIX = "nooble.shared-link.";
const [version, setVersion] = createSignal(0);

function key(): string | null {
  const id = user()?.id;
  return id ? `${PREFIX}${id}` : null;
}

/** Reactive: true once this owner copied or opened their page's link here. */
export function hasShared(): boolean {
  version();
  const k = key();
  try {
    return k !== null && localStorage.getItem(k) !== null;
  } catch {
    return false;
  }
}

export function markShared(how: "copied" | "opened"): void {
  const k = key();
  if (!k) return;
  try {
    localStorage.setItem(k, JSON.stringify({ how, at: new Date().toISOString() }));
  } catch {
    // storage disabled: the step stays open, nothing else breaks
  }
  setVersion((v) => v + 1);
}
