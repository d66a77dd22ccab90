/**
 * Key/value metadata a client attached (chat/init's `metadata` on a conversation), as a
 * definition list in the order the client sent it. Values are shown as text, never as HTML.
 */
import { For, Show } from "solid-js";
import { Card } from "../../ui/Card.tsx";

type MetadataValue = string | number | boolean | null;

const display = (value: MetadataValue) => (value === null ? "—" : String(value));

export function MetadataList(props: { title: string; metadata: Record<string, MetadataValue> }) {
  const entries = () => Object.entries(props.metadata);
  return (
    <Show when={entries().length > 0}>
      <Card title={props.title}>
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
      </Card>
    </Show>
  );
}
