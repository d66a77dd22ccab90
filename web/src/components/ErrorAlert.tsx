/** A message that something went wrong, announced to screen readers; nothing when there is none. */
import { Show } from "solid-js";

export function ErrorAlert(props: { message: string | undefined | null | false }) {
  return (
    <Show when={props.message}>
      <p class="error" role="alert">
        {props.message}
      </p>
    </Show>
  );
}
