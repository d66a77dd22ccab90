/**
 * The agent form: the server's ranges (shared/config.ts) checked before sending, the server's
 * own field errors placed beside the input they name, the template gallery (a choice fills in
 * the name and loads the prompt as editable text), the icon picker, and the numbers kept
 * under "Advanced".
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@solidjs/testing-library";
import type { AgentTemplate, Model } from "../../shared/api/agents.ts";
import {
  CONFIG_LIMITS,
  defaultExecutionConfig,
  defaultQueryConfig,
  defaultRAGConfig,
} from "../../shared/config.ts";
import { AgentForm } from "../../web/src/owner/components/AgentForm.tsx";
import {
  createBody,
  emptyValues,
  validateAgentForm,
} from "../../web/src/owner/components/agent-form-values.ts";
import type { AgentFormValues } from "../../web/src/owner/components/agent-form-values.ts";
import { ApiError } from "../../web/src/lib/api.ts";

afterEach(cleanup);

const MODELS: Model[] = [
  { id: "extractive", provider: "extractive", label: "Extractive" },
  { id: "llama-3.1-8b-instant", provider: "groq", label: "Llama 3.1 8B" },
];

const TEMPLATE: AgentTemplate = {
  id: "support",
  name: "Technical Support",
  description: "Helps with technical questions.",
  icon: "wrench",
  system_prompt: "You are a patient support engineer.",
  sample_questions: ["How do I reset my password?", "Why does the app not sync?"],
  execution_config: { ...defaultExecutionConfig(), temperature: 0.2, max_tokens: 1024 },
  query_config: { ...defaultQueryConfig(), top_k: 8 },
  rag_config: defaultRAGConfig(),
};

/** The texts an input's aria-describedby points at (its hint and its error). */
function describedBy(input: HTMLElement): string[] {
  return (input.getAttribute("aria-describedby") ?? "")
    .split(" ")
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? "");
}
const errorOf = (label: string) => {
  const input = screen.getByLabelText(label);
  return input.getAttribute("aria-invalid") === "true" ? describedBy(input).at(-1) : undefined;
};
const type = (label: string, value: string) =>
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
const submit = () => fireEvent.submit(screen.getByRole("form"));

function renderForm(
  onSubmit: (v: AgentFormValues, t: string | undefined) => Promise<void>,
  mode: "create" | "edit" = "create",
) {
  const calls: { values: AgentFormValues; templateId: string | undefined }[] = [];
  render(() => (
    <AgentForm
      mode={mode}
      initial={emptyValues()}
      models={MODELS}
      templates={[TEMPLATE]}
      onSubmit={async (values, templateId) => {
        calls.push({ values, templateId });
        await onSubmit(values, templateId);
      }}
    />
  ));
  return calls;
}

describe("agent form: client-side ranges", () => {
  it("shows each out-of-range value beside its input, with the server's limits, and sends nothing", async () => {
    const calls = renderForm(async () => undefined);
    type("Name", "Helper");
    type("Temperature", String(CONFIG_LIMITS.temperature.max + 0.5));
    type("Max tokens", "0");
    type("Top K", String(CONFIG_LIMITS.topK.max + 1));
    type("Similarity threshold", "-0.1");
    type("History window", "2.5");
    submit();
    await waitFor(() =>
      expect(errorOf("Temperature")).toBe(`must be at most ${CONFIG_LIMITS.temperature.max}`),
    );
    expect(errorOf("Max tokens")).toBe(`must be at least ${CONFIG_LIMITS.maxTokens.min}`);
    expect(errorOf("Top K")).toBe(`must be at most ${CONFIG_LIMITS.topK.max}`);
    expect(errorOf("Similarity threshold")).toBe(
      `must be at least ${CONFIG_LIMITS.similarityThreshold.min}`,
    );
    expect(errorOf("History window")).toBe("must be a whole number");
    expect(errorOf("Name")).toBeUndefined();
    expect(errorOf("Model")).toBeUndefined();
    expect(calls).toHaveLength(0);
    // the ranges are the hints too
    expect(describedBy(screen.getByLabelText("Temperature"))[0]).toContain(
      `${CONFIG_LIMITS.temperature.min} to ${CONFIG_LIMITS.temperature.max}`,
    );
  });

  it("requires a name, and clears a field's error once it is edited", async () => {
    const calls = renderForm(async () => undefined);
    submit();
    await waitFor(() => expect(errorOf("Name")).toBe("Give the agent a name."));
    type("Name", "Helper");
    expect(errorOf("Name")).toBeUndefined();
    submit();
    await waitFor(() => expect(calls).toHaveLength(1));
  });

  it("checks chunk overlap against chunk size, as the server does", () => {
    const v = { ...emptyValues(), name: "x", chunk_size: "256", chunk_overlap: "256" };
    expect(validateAgentForm(v)["rag_config.chunk_overlap"]).toBe(
      "must be smaller than the chunk size",
    );
    expect(validateAgentForm({ ...v, chunk_overlap: "255" })).toEqual({});
  });

  it("accepts the boundaries themselves", () => {
    const v: AgentFormValues = {
      ...emptyValues(),
      name: "Edge",
      temperature: String(CONFIG_LIMITS.temperature.max),
      max_tokens: String(CONFIG_LIMITS.maxTokens.max),
      top_k: String(CONFIG_LIMITS.topK.min),
      similarity_threshold: String(CONFIG_LIMITS.similarityThreshold.min),
      history_window: String(CONFIG_LIMITS.historyWindow.min),
    };
    expect(validateAgentForm(v)).toEqual({});
  });
});

describe("agent form: what the retrieval settings mean", () => {
  it("counts chunks in tokens, as the chunker does, and says when a change applies", () => {
    renderForm(async () => undefined);
    const size = describedBy(screen.getByLabelText("Chunk size (tokens)")).join(" ");
    expect(size).toMatch(/^Tokens per passage/);
    expect(size).toContain("about ¾ of an English word");
    expect(size).toContain("re-index a document to apply a change");
    expect(size).toContain("smallest chunk size");
    expect(size).not.toMatch(/characters per/i);
    expect(describedBy(screen.getByLabelText("Chunk overlap (tokens)")).join(" ")).toMatch(
      /^Tokens each passage repeats/,
    );
  });

  it("says the similarity threshold applies in every search mode, and what 0 does", () => {
    renderForm(async () => undefined);
    const hint = describedBy(screen.getByLabelText("Similarity threshold")).join(" ");
    expect(hint).toContain("in any search mode");
    expect(hint).toContain("0 uses every passage found");
    expect(hint).toContain(`default ${CONFIG_LIMITS.similarityThreshold.default}`);
  });
});

describe("agent form: server field errors", () => {
  it("places each of the server's field errors beside the input it names", async () => {
    renderForm(async () => {
      throw new ApiError(
        400,
        "VALIDATION_FAILED",
        "The request is not valid: execution_config.temperature: too hot; query_config.top_k: too many",
        [
          { field: "execution_config.temperature", message: "too hot for this model" },
          { field: "query_config.top_k", message: "too many for this plan" },
        ],
      );
    });
    type("Name", "Helper");
    submit();
    await waitFor(() => expect(errorOf("Temperature")).toBe("too hot for this model"));
    expect(errorOf("Top K")).toBe("too many for this plan");
    expect(errorOf("Name")).toBeUndefined();
    expect(errorOf("Max tokens")).toBeUndefined();
    expect(screen.getAllByRole("alert").map((a) => a.textContent)).toContain(
      "The request is not valid: execution_config.temperature: too hot; query_config.top_k: too many",
    );
  });

  it("puts a taken name beside Name and an unavailable model beside Model", async () => {
    renderForm(async () => {
      throw new ApiError(
        409,
        "AGENT_NAME_TAKEN",
        'You already have an agent named "Helper". Choose another name.',
        [{ field: "name", message: "already used by another of your agents" }],
      );
    });
    type("Name", "Helper");
    submit();
    await waitFor(() => expect(errorOf("Name")).toBe("already used by another of your agents"));
    cleanup();

    renderForm(async () => {
      throw new ApiError(400, "MODEL_UNAVAILABLE", "The model is not offered here.", [
        { field: "execution_config.model", message: "not offered by the configured providers" },
      ]);
    }, "edit");
    type("Name", "Helper");
    submit();
    await waitFor(() => expect(errorOf("Model")).toBe("not offered by the configured providers"));
    expect(screen.getByRole("button", { name: "Save" })).toBeTruthy();
  });
});

describe("agent form: the default model", () => {
  it("starts a blank agent on the server's default model, also after leaving a template", () => {
    render(() => (
      <AgentForm
        mode="create"
        initial={emptyValues("llama-3.1-8b-instant")}
        defaultModel="llama-3.1-8b-instant"
        models={MODELS}
        templates={[TEMPLATE]}
        onSubmit={async () => undefined}
      />
    ));
    const model = () => (screen.getByLabelText("Model") as HTMLSelectElement).value;
    expect(model()).toBe("llama-3.1-8b-instant");
    fireEvent.click(screen.getByRole("radio", { name: "Technical Support" }));
    fireEvent.click(screen.getByRole("radio", { name: "Start from scratch" }));
    expect(model()).toBe("llama-3.1-8b-instant");
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("");
    expect((screen.getByLabelText("System prompt") as HTMLTextAreaElement).value).toBe("");
  });
});

describe("agent form: templates", () => {
  it("shows each template as a card with its description and sample questions", () => {
    renderForm(async () => undefined);
    const gallery = screen.getByRole("group", { name: "Start from" });
    const card = screen.getByRole("radio", { name: "Technical Support" });
    expect(gallery.contains(card)).toBe(true);
    expect(describedBy(card).join(" ")).toContain("Helps with technical questions.");
    expect(describedBy(card).join(" ")).toContain("“How do I reset my password?”");
    expect(screen.getByRole("radio", { name: "Start from scratch" })).toBeTruthy();
  });

  it("fills the name, settings and editable prompt from the chosen template and sends its id", async () => {
    const calls = renderForm(async () => undefined);
    fireEvent.click(screen.getByRole("radio", { name: "Technical Support" }));
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Technical Support");
    expect((screen.getByLabelText("Temperature") as HTMLInputElement).value).toBe("0.2");
    expect((screen.getByLabelText("Top K") as HTMLInputElement).value).toBe("8");
    const prompt = screen.getByLabelText("System prompt") as HTMLTextAreaElement;
    expect(prompt.value).toBe(TEMPLATE.system_prompt);
    expect(prompt.readOnly).toBe(false);
    type("Name", "Desk");
    fireEvent.click(screen.getByLabelText("Public"));
    submit();
    await waitFor(() => expect(calls).toHaveLength(1));
    const call = calls[0];
    if (!call) throw new Error("not submitted");
    const body = createBody(call.values, call.templateId, TEMPLATE.system_prompt);
    expect(body).toMatchObject({
      template_id: "support",
      name: "Desk",
      is_public: true,
      // Left as the template wrote it: no override, the agent follows the template's prompt.
      system_prompt_override: null,
      execution_config: { temperature: 0.2, max_tokens: 1024 },
      query_config: { top_k: 8 },
    });
  });

  it("sends an edit of the template's prompt as the agent's own, and can restore the template's", async () => {
    const calls = renderForm(async () => undefined);
    fireEvent.click(screen.getByRole("radio", { name: "Technical Support" }));
    type("System prompt", `${TEMPLATE.system_prompt} Always answer in French.`);
    submit();
    await waitFor(() => expect(calls).toHaveLength(1));
    const edited = calls[0];
    if (!edited) throw new Error("not submitted");
    expect(
      createBody(edited.values, edited.templateId, TEMPLATE.system_prompt).system_prompt_override,
    ).toBe(`${TEMPLATE.system_prompt} Always answer in French.`);
    fireEvent.click(screen.getByRole("button", { name: "Use the template's prompt again" }));
    expect((screen.getByLabelText("System prompt") as HTMLTextAreaElement).value).toBe(
      TEMPLATE.system_prompt,
    );
  });
});

describe("agent form: icon and advanced settings", () => {
  it("takes the template's icon and lets the owner pick another", async () => {
    const calls = renderForm(async () => undefined);
    const icons = screen.getByRole("group", { name: "Icon" });
    fireEvent.click(screen.getByRole("radio", { name: "Technical Support" }));
    fireEvent.click(within(icons).getByRole("radio", { name: "Education" }));
    expect(
      (within(icons).getByRole("radio", { name: "Education" }) as HTMLInputElement).checked,
    ).toBe(true);
    submit();
    await waitFor(() => expect(calls).toHaveLength(1));
    const call = calls[0];
    if (!call) throw new Error("not submitted");
    expect(createBody(call.values, call.templateId).icon).toBe("graduation-cap");
  });

  it("keeps sampling and retrieval numbers under a closed Advanced disclosure that opens on an error there", async () => {
    renderForm(async () => undefined);
    const details = screen.getByLabelText("Temperature").closest("details");
    expect(details?.querySelector("summary")?.textContent).toMatch(/^Advanced/);
    for (const label of ["Top K", "Similarity threshold", "Max tokens"])
      expect(details?.contains(screen.getByLabelText(label))).toBe(true);
    expect(details?.contains(screen.getByLabelText("Name"))).toBe(false);
    expect(details?.contains(screen.getByLabelText("System prompt"))).toBe(false);
    expect(details?.open).toBe(false);
    type("Name", "Helper");
    type("Top K", "0");
    submit();
    await waitFor(() => expect(details?.open).toBe(true));
  });
});
