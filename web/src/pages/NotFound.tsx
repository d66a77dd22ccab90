/**
 * A proper 404 page (client-side: the Worker answers every unknown path with the app). Inside
 * the dashboard it is the page's content (the dashboard's frame is around it); elsewhere it
 * has the signed-out pages' frame.
 */
import { useLocation } from "@solidjs/router";
import House from "lucide-solid/icons/house";
import { Show, onMount, type JSX } from "solid-js";
import { AuthFrame } from "../components/AuthFrame.tsx";
import { ButtonLink } from "../ui/Button.tsx";

export function NotFound(props: { what?: string }) {
  const location = useLocation();
  const inDashboard = () => location.pathname.startsWith("/dashboard");
  const body = () => (
    <>
      <p class="muted">{props.what ?? "There is nothing at this address."}</p>
      <p>
        <ButtonLink href={inDashboard() ? "/dashboard" : "/"} icon={House}>
          {inDashboard() ? "Go to the overview" : "Go to the Nooble home page"}
        </ButtonLink>
      </p>
    </>
  );
  return (
    <Show
      when={inDashboard()}
      fallback={
        <AuthFrame title="Page not found" narrow={false}>
          {body()}
        </AuthFrame>
      }
    >
      <InDashboard>{body()}</InDashboard>
    </Show>
  );
}

/** Inside the dashboard's frame (which has the page's <main>): the heading and the content. */
function InDashboard(props: { children: JSX.Element }) {
  onMount(() => {
    document.title = "Page not found · Nooble";
  });
  return (
    <section>
      <h1>Page not found</h1>
      {props.children}
    </section>
  );
}
