/** "Could not load …" with the server's reason and, when given, a way to try again. */
import { Show } from "solid-js";
import { ErrorAlert } from "../../components/ErrorAlert.tsx";
import { errorMessage } from "../../lib/api.ts";
import { Button } from "../../ui/Button.tsx";

export function LoadError(props: { what: string; error: unknown; retry?: () => unknown }) {
  return (
    <Show when={props.error}>
      <p class="error" role="alert">
        Could not load {props.what}: {errorMessage(props.error)}
        <Show when={props.retry}>
          {(retry) => (
            <>
              {" "}
              <Button size="sm" onClick={() => void retry()()}>
                Try again
              </Button>
            </>
          )}
        </Show>
      </p>
    </Show>
  );
}

/** The polite status line and the alert of a page's last action (saved, deleted, or why not). */
export function ActionStatus(props: { notice: string | undefined; error: string | undefined }) {
  return (
    <>
      <div role="status" aria-live="polite" class="muted">
        {props.notice}
      </div>
      <ErrorAlert message={props.error} />
    </>
  );
}
