/**
 * The confirmation dialog on the shared modal shell (ui/Dialog): open as a modal, the action
 * run on confirm and the dialog gone after, an error kept inside the open dialog, Escape
 * closing it unless the action is running, and focus back on the button that opened it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { Show, createSignal } from "solid-js";
import { ConfirmDialog } from "../../web/src/owner/components/ConfirmDialog.tsx";

afterEach(cleanup);

function setup(onConfirm: () => Promise<void>) {
  const [open, setOpen] = createSignal(false);
  const closes: number[] = [];
  render(() => (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Delete agent
      </button>
      <Show when={open()}>
        <ConfirmDialog
          title="Delete “Helper”?"
          confirmLabel="Delete"
          danger
          onConfirm={onConfirm}
          onClose={() => (closes.push(1), setOpen(false))}
        >
          <p>Its conversations stay in the CRM.</p>
        </ConfirmDialog>
      </Show>
    </>
  ));
  const opener = screen.getByRole("button", { name: "Delete agent" });
  opener.focus();
  fireEvent.click(opener);
  return { opener, closes, dialog: () => document.querySelector("dialog") };
}

describe("ConfirmDialog", () => {
  it("opens as a modal, runs the action, then goes away and gives focus back", async () => {
    let ran = 0;
    const { opener, closes, dialog } = setup(async () => void ran++);
    expect(dialog()?.open).toBe(true);
    expect(dialog()?.getAttribute("aria-labelledby")).toBe("confirm-title");
    expect(screen.getByRole("heading", { name: "Delete “Helper”?" })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(dialog()).toBeNull());
    expect(ran).toBe(1);
    expect(closes).toHaveLength(1);
    expect(document.activeElement).toBe(opener);
  });

  it("keeps the dialog open with the error when the action fails", async () => {
    const { closes, dialog } = setup(async () => {
      throw new Error("The agent could not be deleted: try again.");
    });
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await screen.findByText("The agent could not be deleted: try again.");
    expect(dialog()?.open).toBe(true);
    expect(closes).toHaveLength(0);
  });

  it("closes on Escape, but not while the action runs", async () => {
    let finish = () => {};
    const { closes, dialog } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await screen.findByRole("button", { name: "Working…" });
    fireEvent(dialog() as HTMLDialogElement, new Event("cancel", { cancelable: true }));
    expect(closes).toHaveLength(0);
    finish();
    await waitFor(() => expect(closes).toHaveLength(1));
  });

  it("closes on Escape when idle", () => {
    const { closes, dialog } = setup(async () => {});
    fireEvent(dialog() as HTMLDialogElement, new Event("cancel", { cancelable: true }));
    expect(closes).toHaveLength(1);
    expect(dialog()).toBeNull();
  });
});
