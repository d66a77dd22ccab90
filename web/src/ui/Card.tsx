/**
 * A surface that groups one thing: an agent, a stat, a step, a document on a phone. A card
 * with a `title` is a labelled section (its heading is the section's name for assistive tech).
 */
import { Show, createUniqueId, type JSX } from "solid-js";

export function Card(props: {
  title?: JSX.Element;
  /** The heading level of the title: cards sit under the page's h1, so h2 by default. */
  level?: 2 | 3;
  actions?: JSX.Element;
  class?: string;
  children?: JSX.Element;
}) {
  const id = createUniqueId();
  return (
    <section
      class={`card${props.class ? ` ${props.class}` : ""}`}
      aria-labelledby={props.title ? id : undefined}
    >
      <Show when={props.title || props.actions}>
        <div class="card-head">
          <Show when={props.title}>
            {props.level === 3 ? <h3 id={id}>{props.title}</h3> : <h2 id={id}>{props.title}</h2>}
          </Show>
          <Show when={props.actions}>
            <div class="card-actions">{props.actions}</div>
          </Show>
        </div>
      </Show>
      {props.children}
    </section>
  );
}
