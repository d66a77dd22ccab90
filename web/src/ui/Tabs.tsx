/**
 * Tabs (the WAI-ARIA tabs pattern): one tab stop for the tab list, Left/Right/Home/End move
 * between tabs and select them, only the selected panel is rendered. Controlled (`value` +
 * `onChange`, e.g. kept in the URL) or not (`initial`).
 */
import { For, Show, createSignal, createUniqueId, type JSX } from "solid-js";

export type Tab = { id: string; label: JSX.Element; content: () => JSX.Element };

export function Tabs(props: {
  label: string;
  tabs: Tab[];
  value?: string;
  initial?: string;
  onChange?: (id: string) => void;
}) {
  const base = createUniqueId();
  const [own, setOwn] = createSignal(props.initial ?? props.tabs[0]?.id ?? "");
  const selected = () => props.value ?? own();
  const buttons: HTMLButtonElement[] = [];

  function select(id: string, focus = false) {
    setOwn(id);
    props.onChange?.(id);
    if (focus) buttons[props.tabs.findIndex((t) => t.id === id)]?.focus();
  }

  function onKeyDown(e: KeyboardEvent, index: number) {
    const last = props.tabs.length - 1;
    const to =
      e.key === "ArrowRight"
        ? index === last
          ? 0
          : index + 1
        : e.key === "ArrowLeft"
          ? index === 0
            ? last
            : index - 1
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? last
              : -1;
    const tab = props.tabs[to];
    if (!tab) return;
    e.preventDefault();
    select(tab.id, true);
  }

  return (
    <div class="tabs">
      <div role="tablist" aria-label={props.label} class="tab-list">
        <For each={props.tabs}>
          {(tab, i) => (
            <button
              ref={(el) => (buttons[i()] = el)}
              type="button"
              role="tab"
              id={`${base}-tab-${tab.id}`}
              aria-selected={selected() === tab.id}
              aria-controls={`${base}-panel-${tab.id}`}
              tabindex={selected() === tab.id ? 0 : -1}
              onClick={() => select(tab.id)}
              onKeyDown={(e) => onKeyDown(e, i())}
            >
              {tab.label}
            </button>
          )}
        </For>
      </div>
      <For each={props.tabs}>
        {(tab) => (
          <Show when={selected() === tab.id}>
            <div
              role="tabpanel"
              id={`${base}-panel-${tab.id}`}
              aria-labelledby={`${base}-tab-${tab.id}`}
              tabindex={0}
              class="tab-panel"
            >
              {tab.content()}
            </div>
          </Show>
        )}
      </For>
    </div>
  );
}
