/**
 * The calculator tool: exact decimal results from mathjs, and every refusal the model gets as
 * a ToolError it can act on (unknown names, assignment, function definitions, imports, huge or
 * non-real results, expressions past the schema's length).
 */
import { describe, expect, it } from "vitest";
import { calculatorTool } from "../../../../workers/agent/tools/calculator.ts";
import { builtinToolContext, toolRefusal } from "./builtin-tool-context.ts";

const run = (expression: string) => calculatorTool.run({ expression }, builtinToolContext());
const refusal = (expression: string) => toolRefusal(run(expression));

describe("calculator", () => {
  it("declares its spec from the shared schema", () => {
    expect(calculatorTool.spec.name).toBe("calculator");
    expect(calculatorTool.spec.parameters).toMatchObject({
      type: "object",
      required: ["expression"],
    });
  });

  it("answers with the expression, its exact result and a one-line summary", async () => {
    const outcome = await run("12.5 * 4");
    expect(outcome).toEqual({
      content: "12.5 * 4 = 50",
      summary: "Calculated 12.5 * 4 = 50",
      detail: null,
    });
    expect(calculatorTool.describeCall({ expression: "12.5 * 4" })).toBe("Calculating 12.5 * 4");
  });

  it.each([
    ["0.1 + 0.2", "0.3"],
    ["(12.5 * 4) / 3", "16.666666666667"],
    ["sqrt(2) * 10%", "0.14142135623731"],
    ["200 * 15%", "30"],
    ["17 mod 5", "2"],
    ["2^64", "18446744073709551616"],
    ["2^100", "1.2676506002282e+30"],
    ["round(2.675, 2)", "2.68"],
    ["-3 + max(1, 7, 4)", "4"],
    ["12!", "479001600"],
    ["5 km to mile", "3.1068559611867 mile"],
    ["20 degC to degF", "68 degF"],
    ["2 pi", "6.2831853071796"],
  ])("calculates %s = %s", async (expression, result) => {
    expect((await run(expression)).content).toBe(`${expression} = ${result}`);
  });

  it("refuses an unknown name, saying there are no variables", async () => {
    expect(await refusal("price * 3")).toMatch(/^Unknown name "price": the calculator has no/);
    expect(await refusal("100 USD")).toMatch(/^Unknown name "USD"/);
  });

  it("refuses assignment, function definitions, imports and property access", async () => {
    expect(await refusal("x = 3")).toMatch(/^Assignments \(x = 3\) are not supported/);
    expect(await refusal("f(x) = x^2")).toMatch(/^Defining functions is not supported/);
    expect(await refusal("import({}, {override: true})")).toMatch(/^Unknown function import/);
    expect(await refusal('evaluate("1+1")')).toMatch(/^Unknown function evaluate/);
    expect(await refusal('cos.constructor("return 1")')).toMatch(/^Objects and property access/);
    expect(await refusal("pi.constructor")).toMatch(/^Objects and property access/);
    expect(await refusal("1:1000000000")).toMatch(/^Lists, matrices and ranges/);
    expect(await refusal("1 + 1; 2 + 2")).toMatch(/^Only one expression/);
  });

  it("refuses results that are infinite, too large or not real numbers", async () => {
    expect(await refusal("1 / 0")).toMatch(/^The result is infinite or too large/);
    expect(await refusal("10^10^20")).toMatch(/^The result is infinite or too large/);
    expect(await refusal("2^(10^15)")).toMatch(/^The result is infinite or too large/);
    expect(await refusal("sqrt(-4)")).toMatch(/^The result is not a real number/);
  });

  it("refuses angles too large to reduce cheaply, in radians or degrees", async () => {
    expect(await refusal("sin(1e300)")).toMatch(/^sin, cos and tan take angles up to 1e15/);
    expect(await refusal("cos(1e20 deg)")).toMatch(/^sin, cos and tan take angles up to 1e15/);
    expect((await run("sin(30 deg)")).content).toBe("sin(30 deg) = 0.5");
    // Refused before decimal.js runs, which would leave its precision raised for the isolate.
    expect(await refusal("cos(10^10^5)")).toMatch(/^sin, cos and tan take angles up to 1e15/);
    expect((await run("2/3")).content).toBe("2/3 = 0.66666666666667");
  });

  it("refuses factorials it could not finish, before evaluating them", async () => {
    expect(await refusal("100000000!")).toMatch(/^Factorials are only calculated/);
    expect(await refusal("factorial(10^9)")).toMatch(/^Factorials are only calculated/);
  });

  it("refuses what it cannot read with the syntax it accepts", async () => {
    expect(await refusal("12 * (3 + ")).toMatch(/^Could not read the expression: .*Use numbers/);
  });

  it("takes no expression past the schema's 500 characters", () => {
    const long = Array.from({ length: 251 }, () => "1").join("+");
    expect(calculatorTool.args.safeParse({ expression: long }).success).toBe(false);
    expect(calculatorTool.args.safeParse({ expression: "1+1" }).success).toBe(true);
  });
});
