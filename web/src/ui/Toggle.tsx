/**
 * An on/off setting: a checkbox with the switch role (screen readers say "on"/"off"), drawn as a
 * switch, with its label and an optional hint that describes it. `label` names what is
 * switched; the word "On"/"Off" beside it means colour is never the only signal. It shows
 * `checked`, whatever a click did, until the owner of the state changes it.
 */
import { Show, createUniqueId } from "solid-js";

export function Toggle(props: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  const id = createUniqueId();
  return (
    <div class="toggle">
      <input
        id={id}
        type="checkbox"
        role="switch"
        class="toggle-input"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onChange={(e) => {
          const input = e.currentTarget;
          props.onChange(input.checked);
          // Controlled: it shows what the owner's state says (a change saved elsewhere first
          // flips only once saved, a refused one does not stay flipped).
          input.checked = props.checked;
        }}
      />
      <div class="toggle-text">
        <label for={id}>
          {props.label}
          <span class="toggle-state" aria-hidden="true">
            {props.checked ? "On" : "Off"}
          </span>
        </label>
        <Show when={props.hint}>
          <div class="field-hint" id={`${id}-hint`}>
            {props.hint}
          </div>
        </Show>
      </div>
    </div>
  );
}
