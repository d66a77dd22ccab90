/**
 * The frame of the signed-out pages (sign-in, sign-up, password reset, not found): the brand
 * back to the home page, the theme switch, and one narrow column with the page's heading.
 */
import { A } from "@solidjs/router";
import { onMount, type JSX } from "solid-js";
import { ThemeToggle } from "./ThemeToggle.tsx";

export function AuthFrame(props: { title: string; narrow?: boolean; children: JSX.Element }) {
  onMount(() => {
    document.title = `${props.title} · Nooble`;
  });
  return (
    <>
      <header class="app-header">
        <div class="container">
          <A class="brand" href="/">
            nooble
          </A>
          <span class="spacer" />
          <ThemeToggle iconOnly />
        </div>
      </header>
      <main class={`container${props.narrow === false ? "" : " auth-main"}`} id="main">
        <h1>{props.title}</h1>
        {props.children}
      </main>
    </>
  );
}
