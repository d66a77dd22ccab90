/** Light, dark or the system's choice, kept in localStorage and applied as `data-theme` on <html>. */
import { createSignal } from "solid-js";

export type ThemeChoice = "system" | "light" | "dark";
const KEY = "nooble.theme";

function stored(): ThemeChoice {
  const value = typeof localStorage === "undefined" ? null : localStorage.getItem(KEY);
  return value === "light" || value === "dark" ? value : "system";
}

const [theme, setThemeSignal] = createSignal<ThemeChoice>(stored());
export { theme };

export function applyTheme(choice: ThemeChoice = theme()): void {
  const root = document.documentElement;
  if (choice === "system") root.removeAttribute("data-theme");
  else root.setAttribute("data-theme", choice);
}

export function setTheme(choice: ThemeChoice): void {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  setThemeSignal(choice);
  applyTheme(choice);
}
