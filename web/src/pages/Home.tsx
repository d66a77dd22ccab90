import { A } from "@solidjs/router";
import { Show, onMount } from "solid-js";
import { user } from "../lib/auth.ts";

/** The landing page: what Nooble is, and the way in. */
export function Home() {
  onMount(() => {
    document.title = "Nooble · agents that answer from your knowledge";
  });
  return (
    <main class="container stack" id="main">
      <h1>Nooble</h1>
      <p>
        Build AI agents that answer from your own documents, publish them on your public page, and
        read every conversation.
      </p>
      <div class="row">
        <Show
          when={user()}
          fallback={
            <A class="button primary" href="/sign-in">
              Sign in
            </A>
          }
        >
          <A class="button primary" href="/dashboard">
            Open your dashboard
          </A>
        </Show>
        <a class="button" href="/docs">
          API documentation
        </a>
      </div>
    </main>
  );
}
