/**
 * A button that opens a small panel of links or actions (the disclosure pattern: the button
 * says whether it is expanded; the panel is ordinary links and buttons in tab order, which is
 * what navigation and row actions need — not an application `role="menu"`). Escape or a
 * click outside closes it and gives focus back to the button; choosing an item closes it.
 */
import type { LucideIcon } from "lucide-solid";
import { Show, createSignal, createUniqueId, onCleanup, onMount, type JSX } from "solid-js";
import { Button, type ButtonVariant } from "./Button.tsx";

export function Menu(props: {
  /** The button's text, or its accessible name when `iconOnly`. */
  label: string;
  icon?: LucideIcon;
  iconOnly?: boolean;
  variant?: ButtonVariant;
  align?: "start" | "end";
  class?: string;
  children: JSX.Element;
}) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  let root: HTMLDivElement | undefined;
  let button: HTMLButtonElement | undefined;

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button?.focus();
  };
  const onDocumentClick = (e: MouseEvent) => {
    if (open() && root && e.target instanceof Node && !root.contains(e.target)) close(false);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && open()) {
      e.stopPropagation();
      close(true);
    }
  };
  onMount(() => document.addEventListener("click", onDocumentClick));
  onCleanup(() => document.removeEventListener("click", onDocumentClick));

  return (
    <div ref={root} class={`menu${props.class ? ` ${props.class}` : ""}`} onKeyDown={onKeyDown}>
      <Button
        ref={button}
        variant={props.variant ?? "ghost"}
        icon={props.icon}
        label={props.iconOnly ? props.label : undefined}
        aria-expanded={open()}
        aria-controls={id}
        onClick={() => setOpen(!open())}
      >
        {props.iconOnly ? undefined : props.label}
      </Button>
      <Show when={open()}>
        <div
          id={id}
          class={`menu-panel ${props.align ?? "end"}`}
          onClick={(e) => {
            if (e.target instanceof Element && e.target.closest("a, button")) close(false);
          }}
        >
          {props.children}
        </div>
      </Show>
    </div>
  );
}
