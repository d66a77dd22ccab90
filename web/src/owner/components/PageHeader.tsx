/** A page's title (also the document title) and its main actions. */
import { onMount, type JSX } from "solid-js";

export function PageHeader(props: { title: string; description?: string; children?: JSX.Element }) {
  onMount(() => {
    document.title = `${props.title} · Nooble`;
  });
  return (
    <div class="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.description ? <p class="muted">{props.description}</p> : null}
      </div>
      {props.children ? <div class="row page-actions">{props.children}</div> : null}
    </div>
  );
}
