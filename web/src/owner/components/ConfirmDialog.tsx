/**
 * A modal confirmation (Dialog: focus is trapped, Escape cancels, focus returns to the
 * button that opened it). Render it while a confirmation is pending.
 */
import { createSignal, type JSX } from "solid-js";
import { errorMessage } from "../../lib/api.ts";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { Button } from "../../ui/Button.tsx";
import { Dialog } from "../../ui/Dialog.tsx";

export interface ConfirmDialogProps {
  title: string;
  children: JSX.Element;
  confirmLabel: string;
  /** Runs the action; an error is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
  danger?: boolean;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const close = () => props.onClose();

  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      close();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog labelledBy="confirm-title" busy={busy()} onClose={close}>
      <h2 id="confirm-title">{props.title}</h2>
      <div>{props.children}</div>
      <ErrorAlert message={error()} />
      <div class="row dialog-actions">
        <Button onClick={close} disabled={busy()}>
          Cancel
        </Button>
        <Button
          variant={props.danger ? "danger" : "primary"}
          class={props.danger ? "solid" : undefined}
          onClick={() => void confirm()}
          disabled={busy()}
        >
          {busy() ? "Working…" : props.confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
