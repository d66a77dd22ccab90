/**
 * Buttons and button-styled links. One look for every action in the app: `primary` for the
 * page's main action, `secondary` (the default) for the rest, `danger` for destructive ones,
 * `ghost` for quiet actions in toolbars and rows. An optional Lucide icon sits before the label;
 * an icon-only button must be given a `label` (its accessible name).
 */
import { A } from "@solidjs/router";
import type { LucideIcon } from "lucide-solid";
import { Show, splitProps, type JSX } from "solid-js";
import { Dynamic } from "solid-js/web";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";
export type ButtonSize = "sm" | "md";

type Look = { variant?: ButtonVariant; size?: ButtonSize; icon?: LucideIcon; class?: string };

export function buttonClass(look: Look): string {
  const parts = ["button", look.variant ?? "secondary"];
  if (look.size === "sm") parts.push("sm");
  if (look.class) parts.push(look.class);
  return parts.join(" ");
}

function Content(props: { icon?: LucideIcon; children?: JSX.Element; size?: ButtonSize }) {
  return (
    <>
      <Show when={props.icon}>
        {(icon) => (
          <Dynamic component={icon()} size={props.size === "sm" ? 16 : 18} aria-hidden="true" />
        )}
      </Show>
      {props.children}
    </>
  );
}

export function Button(
  props: Look & JSX.ButtonHTMLAttributes<HTMLButtonElement> & { label?: string },
) {
  const [look, rest] = splitProps(props, ["variant", "size", "icon", "class", "children", "label"]);
  return (
    <button
      type="button"
      {...rest}
      class={buttonClass(look)}
      aria-label={look.label ?? rest["aria-label"]}
    >
      <Content icon={look.icon} size={look.size}>
        {look.children}
      </Content>
    </button>
  );
}

/** A router link that looks like a button (navigation, not an action). */
export function ButtonLink(props: Look & { href: string; children?: JSX.Element; label?: string }) {
  return (
    <A href={props.href} class={buttonClass(props)} aria-label={props.label}>
      <Content icon={props.icon} size={props.size}>
        {props.children}
      </Content>
    </A>
  );
}
