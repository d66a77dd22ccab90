/** The agent's execution mode as a radio group, each choice with one sentence on what it does. */
import { For, createUniqueId } from "solid-js";
import { EXECUTION_MODES, type ExecutionMode } from "../../../../shared/protocol/chat.ts";

const MODES: Record<ExecutionMode, { label: string; about: string }> = {
  simple: {
    label: "Simple",
    about:
      "Answers in one step, from the passages its search finds in the documents: fast and predictable.",
  },
  advanced: {
    label: "Advanced",
    about:
      "Works in steps: it decides which tools to use (search, web pages, calculator…) and visitors see each step before the answer.",
  },
};

export function ExecutionModeField(props: {
  value: ExecutionMode;
  onChange: (mode: ExecutionMode) => void;
}) {
  const group = createUniqueId();
  return (
    <fieldset class="mode-choice">
      <legend>Execution mode</legend>
      <For each={EXECUTION_MODES}>
        {(mode) => (
          <div class="mode-option">
            <input
              id={`${group}-${mode}`}
              type="radio"
              name={`execution-mode-${group}`}
              value={mode}
              checked={props.value === mode}
              aria-describedby={`${group}-${mode}-about`}
              onChange={() => props.onChange(mode)}
            />
            <div>
              <label for={`${group}-${mode}`}>{MODES[mode].label}</label>
              <div class="field-hint" id={`${group}-${mode}-about`}>
                {MODES[mode].about}
              </div>
            </div>
          </div>
        )}
      </For>
    </fieldset>
  );
}
