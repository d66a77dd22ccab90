/**
 * The shell every modal of the app shares (native <dialog>): opened as a modal when it mounts,
 * so focus is trapped; Escape asks to close unless the dialog is busy; when it unmounts it
 * closes and gives focus back to what had it before (the button that opened it). Render it
 * while the dialog should be shown; `onClose` is how it asks its owner to stop rendering it.
 */
import { onCleanup, onMount } from "solid-js";
import type { JSX } from "solid-js";

export function Dialog(props: {
  labelledBy: string;
  busy?: boolean;
  onClose: () => void;
  children: JSX.Element;
}) {
  let dialog: HTMLDialogElement | undefined;
  const opener = document.activeElement as HTMLElement | null;

  onMount(() => {
    if (typeof dialog?.showModal === "function") dialog.showModal();
    else dialog?.setAttribute("open", "");
  });
  onCleanup(() => {
    dialog?.close?.();
    opener?.focus?.();
  });

  return (
    <dialog
      ref={dialog}
      class="dialog"
      aria-labelledby={props.labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onClose();
      }}
    >
      {props.children}
    </dialog>
  );
}
