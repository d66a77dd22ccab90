/**
 * Advanced mode's tools in the agent form: one switch per built-in tool (names and help from
 * shared/tools.ts TOOL_LABELS), fetch_page's allowed websites under its switch, and the MCP
 * servers panel (given by the editor: it needs a saved agent). The whole `tools` object is
 * handed back on every change, as the API takes it.
 */
import { For, Show, type JSX } from "solid-js";
import { BUILT_IN_TOOLS, TOOL_LABELS } from "../../../../shared/tools.ts";
import type { BuiltInTool, ToolsConfig } from "../../../../shared/tools.ts";
import { Toggle } from "../../ui/Toggle.tsx";
import { AllowedDomains } from "./AllowedDomains.tsx";

export function ToolsSection(props: {
  tools: ToolsConfig;
  onChange: (tools: ToolsConfig) => void;
  /** Server errors by field path under execution_config.tools. */
  errorAt: (path: string) => string | undefined;
  /** The MCP servers panel, or a note on when it becomes available. */
  mcp?: JSX.Element;
}) {
  const setEnabled = (tool: BuiltInTool, enabled: boolean) =>
    props.onChange({ ...props.tools, [tool]: { ...props.tools[tool], enabled } });

  return (
    <fieldset class="tools-section">
      <legend>Tools</legend>
      <p class="field-hint">
        What the agent may use while it works out an answer. Visitors see each step it takes.
      </p>
      <ul class="tool-list">
        <For each={BUILT_IN_TOOLS}>
          {(tool) => (
            <li class="tool-row">
              <Toggle
                label={TOOL_LABELS[tool].label}
                hint={TOOL_LABELS[tool].help}
                checked={props.tools[tool].enabled}
                onChange={(on) => setEnabled(tool, on)}
              />
              <Show when={tool === "fetch_page" && props.tools.fetch_page.enabled}>
                <AllowedDomains
                  domains={props.tools.fetch_page.allowed_domains}
                  onChange={(allowed_domains) =>
                    props.onChange({
                      ...props.tools,
                      fetch_page: { ...props.tools.fetch_page, allowed_domains },
                    })
                  }
                  error={props.errorAt("execution_config.tools.fetch_page.allowed_domains")}
                />
              </Show>
            </li>
          )}
        </For>
      </ul>
      <h3 class="advanced-title">MCP servers</h3>
      {props.mcp}
    </fieldset>
  );
}
