/**
 * A read-only link with Copy and Open buttons; Copy says when it worked. `onUse` hears which
 * was used (the onboarding checklist counts either as sharing the link: share-progress.ts).
 */
import Copy from "lucide-solid/icons/copy";
import ExternalLink from "lucide-solid/icons/external-link";
import { Show, createSignal, createUniqueId, onCleanup } from "solid-js";
import { Button, buttonClass, type ButtonSize } from "../../ui/Button.tsx";

export function CopyField(props: {
  label: string;
  value: string;
  size?: ButtonSize;
  onUse?: (how: "copied" | "opened") => void;
}) {
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
    props.onUse?.("copied");
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
        <Button size={props.size} icon={Copy} onClick={() => void copy()}>
          Copy link
        </Button>
        <a
          class={buttonClass({ size: props.size })}
          href={props.value}
          target="_blank"
          rel="noopener"
          onClick={() => props.onUse?.("opened")}
        >
          <ExternalLink size={props.size === "sm" ? 16 : 18} aria-hidden="true" />
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
