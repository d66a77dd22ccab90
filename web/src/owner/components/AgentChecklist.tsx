/** Pick agents by name (checkboxes in a fieldset): which agents answer from a document. */
import { For, Show } from "solid-js";
import type { Agent } from "../../../../shared/api/agents.ts";

export function AgentChecklist(props: {
  legend: string;
  agents: Agent[];
  selected: string[];
  onChange: (ids: string[]) => void;
  hint?: string;
}) {
  const toggle = (id: string, on: boolean) =>
    props.onChange(
      on ? [...new Set([...props.selected, id])] : props.selected.filter((s) => s !== id),
    );
  return (
    <fieldset class="checklist">
      <legend>{props.legend}</legend>
      <Show when={props.hint}>
        <p class="field-hint">{props.hint}</p>
      </Show>
      <Show
        when={props.agents.length}
        fallback={
          <p class="muted small">You have no agents yet; you can assign documents later.</p>
        }
      >
        <For each={props.agents}>
          {(agent) => (
            <label class="check">
              <input
                type="checkbox"
                checked={props.selected.includes(agent.id)}
                onChange={(e) => toggle(agent.id, e.currentTarget.checked)}
              />{" "}
              {agent.name}
            </label>
          )}
        </For>
      </Show>
    </fieldset>
  );
}
