/** A read-only value (a link) with a Copy button that says when it worked. */
import Copy from "lucide-solid/icons/copy";
import ExternalLink from "lucide-solid/icons/external-link";
import { Show, createSignal, createUniqueId, onCleanup } from "solid-js";
import { Button, buttonClass } from "../../ui/Button.tsx";

export function CopyField(props: { label: string; value: string }) {
  const id = createUniqueId();
  const [copied, setCopied] = createSignal<"yes" | "no">();
  let input: HTMLInputElement | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied("yes");
    } catch {
      // No clipboard permission: select the text so Ctrl+C works.
      input?.select();
      setCopied("no");
    }
    clearTimeout(timer);
    timer = setTimeout(() => setCopied(undefined), 3000);
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        <input
          ref={input}
          id={id}
          readonly
          value={props.value}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button icon={Copy} onClick={() => void copy()}>
          Copy link
        </Button>
        <a class={buttonClass({})} href={props.value} target="_blank" rel="noopener">
          <ExternalLink size={18} aria-hidden="true" />
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
