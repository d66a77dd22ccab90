/** The public page's link with Copy and Open; either counts as sharing it (share-progress.ts). */
import Copy from "lucide-solid/icons/copy";
import ExternalLink from "lucide-solid/icons/external-link";
import { Show, createSignal, createUniqueId, onCleanup } from "solid-js";
import { Button, buttonClass } from "../../ui/Button.tsx";
import { markShared } from "./share-progress.ts";

export function ShareLink(props: { url: string; label?: string }) {
  const id = createUniqueId();
  const [copied, setCopied] = createSignal<"yes" | "no">();
  let input: HTMLInputElement | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.url);
      setCopied("yes");
    } catch {
      input?.select();
      setCopied("no");
    }
    markShared("copied");
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(undefined), 3000);
  };
  return (
    <div class="share-link">
      <label for={id}>{props.label ?? "Your public page"}</label>
      <div class="share-row">
        <input
          ref={input}
          id={id}
          readonly
          value={props.url}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button size="sm" icon={Copy} onClick={() => void copy()}>
          Copy link
        </Button>
        <a
          class={buttonClass({ size: "sm" })}
          href={props.url}
          target="_blank"
          rel="noopener"
          onClick={() => markShared("opened")}
        >
          <ExternalLink size={16} aria-hidden="true" />
          Open
        </a>
      </div>
      <div role="status" aria-live="polite" class="field-hint">
        <Show when={copied()}>
          {copied() === "yes" ? "Copied to the clipboard." : "Selected: press Ctrl+C (⌘C) to copy."}
        </Show>
      </div>
    </div>
  );
}
