import { describe, expect, it } from "vitest";
import { render, screen } from "@solidjs/testing-library";
import { Field } from "../../web/src/components/Field.tsx";
import { safeNext } from "../../web/src/pages/SignIn.tsx";

describe("safeNext (where sign-in returns to)", () => {
  it("follows same-site paths only", () => {
    expect(safeNext("/dashboard/agents?x=1")).toBe("/dashboard/agents?x=1");
    expect(safeNext("//evil.example/x")).toBe("/dashboard");
    expect(safeNext("https://evil.example")).toBe("/dashboard");
    expect(safeNext(undefined)).toBe("/dashboard");
  });
});

describe("Field", () => {
  it("labels its control and announces its error", () => {
    render(() => (
      <Field label="Temperature" hint="0 to 2" error="must be at most 2">
        {(attrs) => <input {...attrs} />}
      </Field>
    ));
    const input = screen.getByLabelText("Temperature");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const described = (input.getAttribute("aria-describedby") ?? "")
      .split(" ")
      .map((id) => document.getElementById(id)?.textContent);
    expect(described).toEqual(["0 to 2", "must be at most 2"]);
    expect(screen.getByRole("alert").textContent).toBe("must be at most 2");
  });
});
