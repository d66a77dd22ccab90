import { A } from "@solidjs/router";
import { onMount } from "solid-js";

/** A proper 404 page (client-side: the Worker answers every unknown path with the app). */
export function NotFound(props: { what?: string }) {
  onMount(() => {
    document.title = "Not found · Nooble";
  });
  return (
    <main class="container" id="main">
      <h1>Page not found</h1>
      <p class="muted">{props.what ?? "There is nothing at this address."}</p>
      <p>
        <A href="/">Go to the Nooble home page</A>
      </p>
    </main>
  );
}
