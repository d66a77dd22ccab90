/**
 * Key/value metadata a client attached (chat/init's `metadata` on a conversation), as a
 * definition list in the order the client sent it. Values are shown as text, never as HTML.
 */
import { For, Show } from "solid-js";

type MetadataValue = string | number | boolean | null;

const display = (value: MetadataValue) => (value === null ? "—" : String(value));

export function MetadataList(props: { title: string; metadata: Record<string, MetadataValue> }) {
  const entries = () => Object.entries(props.metadata);
  return (
    <Show when={entries().length > 0}>
      <section class="card stack" aria-label={props.title}>
        <h2>{props.title}</h2>
        <dl class="grid-4 facts">
          <For each={entries()}>
            {([key, value]) => (
              <div>
                <dt>{key}</dt>
                <dd>{display(value)}</dd>
              </div>
            )}
          </For>
        </dl>
      </section>
    </Show>
  );
}
