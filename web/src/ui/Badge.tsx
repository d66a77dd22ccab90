/** A short status word next to a thing: "published", "failed", "no agent". Colour is never the only signal — the word is always there. */
import type { JSX } from "solid-js";

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "info";

export function Badge(props: { tone?: BadgeTone; children: JSX.Element; title?: string }) {
  return (
    <span class={`badge ${props.tone ?? "neutral"}`} title={props.title}>
      {props.children}
    </span>
  );
}
