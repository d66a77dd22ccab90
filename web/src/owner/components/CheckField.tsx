/** A labelled checkbox with an optional hint (the hint describes it, the label names it). */
import { Show, createUniqueId } from "solid-js";

export function CheckField(props: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  name?: string;
}) {
  const id = createUniqueId();
  return (
    <div class="check-field">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => props.onChange(e.currentTarget.checked)}
      />
      <div>
        <label for={id}>{props.label}</label>
        <Show when={props.hint}>
          <div class="field-hint" id={`${id}-hint`}>
            {props.hint}
          </div>
        </Show>
      </div>
    </div>
  );
}
