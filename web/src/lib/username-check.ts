/**
 * Live username availability for forms: debounced, latest answer wins. Uses the public
 * endpoint (no account needed yet) and the server's own rules, so the form says exactly what
 * the server would.
 */
import { createSignal, onCleanup } from "solid-js";
import { UsernameAvailabilitySchema } from "../../../shared/api/profile.ts";
import { api, query } from "./api.ts";

export type Availability =
  | { state: "idle" }
  | { state: "checking" }
  | { state: "available" }
  | { state: "taken"; reason: string }
  | { state: "error"; reason: string };

export function createUsernameCheck(
  options: { delayMs?: number; current?: () => string | undefined } = {},
) {
  const [availability, setAvailability] = createSignal<Availability>({ state: "idle" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest = 0;
  onCleanup(() => clearTimeout(timer));

  const check = (raw: string) => {
    clearTimeout(timer);
    const username = raw.trim().toLowerCase();
    if (!username || username === options.current?.()) {
      setAvailability({ state: "idle" });
      return;
    }
    setAvailability({ state: "checking" });
    const ticket = ++latest;
    timer = setTimeout(async () => {
      try {
        const result = await api(`/api/v1/public/username-available${query({ username })}`, {
          auth: false,
          schema: UsernameAvailabilitySchema,
        });
        if (ticket !== latest) return;
        setAvailability(
          result.available
            ? { state: "available" }
            : { state: "taken", reason: result.reason ?? "not available" },
        );
      } catch (err) {
        if (ticket === latest)
          setAvailability({
            state: "error",
            reason: err instanceof Error ? err.message : String(err),
          });
      }
    }, options.delayMs ?? 300);
  };
  return { availability, check };
}

const PENDING_KEY = "nooble.pending-username";

/** A username chosen at sign-up, applied to the profile once the owner is signed in. */
export function rememberPendingUsername(username: string): void {
  localStorage.setItem(PENDING_KEY, username);
}

export function takePendingUsername(): string | null {
  const value = localStorage.getItem(PENDING_KEY);
  if (value) localStorage.removeItem(PENDING_KEY);
  return value;
}
