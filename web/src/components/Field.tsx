/**
 * A labelled form control with its hint and error, wired for screen readers: the input gets
 * `aria-invalid` and `aria-describedby` pointing at the hint and the error.
 */
import { Show, createUniqueId, type JSX } from "solid-js";

export interface FieldProps {
  label: string;
  hint?: string;
  error?: string | undefined;
  /** Renders the control; receives the id and aria attributes to spread on it. */
  children: (attrs: {
    id: string;
    "aria-invalid": boolean;
    "aria-describedby": string | undefined;
  }) => JSX.Element;
}

export function Field(props: FieldProps) {
  const id = createUniqueId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = () =>
    [props.hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        "aria-invalid": Boolean(props.error),
        "aria-describedby": describedBy(),
      })}
      <Show when={props.hint}>
        <div class="field-hint" id={hintId}>
          {props.hint}
        </div>
      </Show>
      <Show when={props.error}>
        <div class="field-error" id={errorId} role="alert">
          {props.error}
        </div>
      </Show>
    </div>
  );
}
