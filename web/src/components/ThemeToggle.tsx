/**
 * Light or dark in one click, from any owner screen (Settings also offers "follow the
 * device"). The button names the theme it switches to; the current one is what the page shows,
 * so with "system" it follows prefers-color-scheme, as the stylesheet does.
 */
import Moon from "lucide-solid/icons/moon";
import Sun from "lucide-solid/icons/sun";
import { createSignal, onCleanup, onMount } from "solid-js";
import { setTheme, theme } from "../lib/theme.ts";
import { Button } from "../ui/Button.tsx";

function systemPrefersDark(): boolean {
  return typeof matchMedia === "function" && matchMedia("(prefers-color-scheme: dark)").matches;
}

export function ThemeToggle(props: { class?: string; iconOnly?: boolean }) {
  const [systemDark, setSystemDark] = createSignal(systemPrefersDark());
  onMount(() => {
    if (typeof matchMedia !== "function") return;
    const query = matchMedia("(prefers-color-scheme: dark)");
    const update = () => setSystemDark(query.matches);
    query.addEventListener?.("change", update);
    onCleanup(() => query.removeEventListener?.("change", update));
  });
  const dark = () => theme() === "dark" || (theme() === "system" && systemDark());
  const label = () => (dark() ? "Light theme" : "Dark theme");
  return (
    <Button
      variant="ghost"
      class={props.class}
      icon={dark() ? Sun : Moon}
      label={props.iconOnly ? `Switch to ${label().toLowerCase()}` : undefined}
      onClick={() => setTheme(dark() ? "light" : "dark")}
    >
      {props.iconOnly ? undefined : label()}
    </Button>
  );
}
