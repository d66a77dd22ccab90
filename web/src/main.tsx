/* @refresh reload */
import { render } from "solid-js/web";
import { App } from "./App.tsx";
import { applyTheme } from "./lib/theme.ts";
import "./styles.css";
import "./ui/ui.css";

applyTheme();
const root = document.getElementById("root");
if (root) render(() => <App />, root);
