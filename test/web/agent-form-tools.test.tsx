/**
 * The agent form's execution mode and tools: simple by default with no advanced settings
 * shown; advanced shows max_iterations and one switch per built-in tool; fetch_page's
 * websites are normalised and checked by the shared schema; the body carries
 * `execution_config: {mode, max_iterations, tools}` with `tools` whole; a server error on a
 * website lands beside the list.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import type { Model } from "../../shared/api/agents.ts";
import { CONFIG_LIMITS } from "../../shared/config.ts";
import { ToolsConfigSchema, TOOL_LABELS } from "../../shared/tools.ts";
import { AgentForm } from "../../web/src/owner/components/AgentForm.tsx";
import { createBody, emptyValues } from "../../web/src/owner/components/agent-form-values.ts";
import type { AgentFormValues } from "../../web/src/owner/components/agent-form-values.ts";
import { ApiError } from "../../web/src/lib/api.ts";

afterEach(cleanup);

const MODELS: Model[] = [{ id: "extractive", provider: "extractive", label: "Extractive" }];

function renderForm(onSubmit: (v: AgentFormValues) => Promise<void> = async () => undefined) {
  const sent: AgentFormValues[] = [];
  render(() => (
    <AgentForm
      mode="edit"
      initial={{ ...emptyValues(), name: "Helper" }}
      models={MODELS}
      mcp={<p>MCP panel here</p>}
      onSubmit={async (values) => {
        sent.push(values);
        await onSubmit(values);
      }}
    />
  ));
  return sent;
}
const submit = () => fireEvent.submit(screen.getByRole("form"));
const toggle = (label: string) => screen.getByRole("switch", { name: new RegExp(`^${label}`) });

describe("agent form: execution mode and tools", () => {
  it("starts simple, showing neither max iterations nor tools, and sends mode simple", async () => {
    const sent = renderForm();
    expect(screen.getByRole("radio", { name: "Simple" })).toHaveProperty("checked", true);
    expect(screen.queryByLabelText("Max iterations")).toBeNull();
    expect(screen.queryByRole("group", { name: "Tools" })).toBeNull();
    submit();
    await waitFor(() => expect(sent).toHaveLength(1));
    const body = createBody(sent[0] as AgentFormValues, undefined);
    expect(body.execution_config?.mode).toBe("simple");
    expect(body.execution_config?.tools).toEqual(ToolsConfigSchema.parse({}));
  });

  it("in advanced mode sends max_iterations and the whole tools object with the switches as set", async () => {
    const sent = renderForm();
    fireEvent.click(screen.getByRole("radio", { name: "Advanced" }));
    const max = screen.getByLabelText("Max iterations");
    expect(max).toHaveProperty("value", String(CONFIG_LIMITS.maxIterations.default));
    for (const { label } of Object.values(TOOL_LABELS)) expect(toggle(label)).toBeTruthy();
    expect(toggle(TOOL_LABELS.knowledge_search.label)).toHaveProperty("checked", true);
    expect(screen.getByText("MCP panel here")).toBeTruthy();

    fireEvent.input(max, { target: { value: "8" } });
    fireEvent.click(toggle(TOOL_LABELS.calculator.label));
    fireEvent.click(toggle(TOOL_LABELS.fetch_page.label));
    const site = () => screen.getByLabelText("Add a website");
    fireEvent.input(site(), { target: { value: "not a domain" } });
    fireEvent.keyDown(site(), { key: "Enter" });
    expect(screen.getByText("must be a website's domain name, such as example.com")).toBeTruthy();
    fireEvent.input(site(), { target: { value: "https://Docs.Example.com/pricing" } });
    fireEvent.keyDown(site(), { key: "Enter" });
    expect(screen.getByText("docs.example.com")).toBeTruthy();
    expect(sent).toHaveLength(0); // Enter in the box added the site; it did not save

    submit();
    await waitFor(() => expect(sent).toHaveLength(1));
    const body = createBody(sent[0] as AgentFormValues, undefined);
    expect(body.execution_config).toMatchObject({ mode: "advanced", max_iterations: 8 });
    expect(body.execution_config?.tools).toEqual({
      knowledge_search: { enabled: true },
      fetch_page: { enabled: true, allowed_domains: ["docs.example.com"] },
      calculator: { enabled: false },
      current_datetime: { enabled: true },
      capture_contact: { enabled: false },
    });
  });

  it("checks max iterations against the shared range only in advanced mode", async () => {
    const sent = renderForm();
    fireEvent.click(screen.getByRole("radio", { name: "Advanced" }));
    fireEvent.input(screen.getByLabelText("Max iterations"), { target: { value: "50" } });
    submit();
    await waitFor(() =>
      expect(screen.getByText(`must be at most ${CONFIG_LIMITS.maxIterations.max}`)).toBeTruthy(),
    );
    expect(sent).toHaveLength(0);
    fireEvent.click(screen.getByRole("radio", { name: "Simple" }));
    submit();
    await waitFor(() => expect(sent).toHaveLength(1));
    const body = createBody(sent[0] as AgentFormValues, undefined);
    expect(body.execution_config?.mode).toBe("simple");
    expect(body.execution_config).not.toHaveProperty("max_iterations");
  });

  it("shows the server's error on a website beside the websites list", async () => {
    renderForm(async () => {
      throw new ApiError(400, "VALIDATION_FAILED", "The request is not valid.", [
        {
          field: "execution_config.tools.fetch_page.allowed_domains.0",
          message: "must be a website's domain name, such as example.com",
        },
      ]);
    });
    fireEvent.click(screen.getByRole("radio", { name: "Advanced" }));
    fireEvent.click(toggle(TOOL_LABELS.fetch_page.label));
    submit();
    await waitFor(() =>
      expect(screen.getByLabelText("Add a website").getAttribute("aria-invalid")).toBe("true"),
    );
    expect(screen.getByText("must be a website's domain name, such as example.com")).toBeTruthy();
  });
});
