/**
 * The calculator tool: exact arithmetic for the model, which is bad at it.
 *
 * Expressions are parsed and evaluated by mathjs (no eval, no Function). Its documentation's
 * security advice is to expose only what is needed: this instance is built with `create` from
 * the arithmetic, rounding, trigonometry and unit functions alone (custom bundling: about half
 * the Worker-bundle cost of `all`), numbers are BigNumbers with 64 significant digits, so
 * 0.1 + 0.2 is 0.3, and every node of the parsed expression is checked against an allow-list
 * before anything is evaluated: no assignment, function definition, property access, matrix,
 * range, string or unknown name ever reaches the evaluator.
 *
 * Work is bounded by the schema's 500 characters, by refusing factorials of anything but a
 * small literal, and angles past 1e15 radians in sin, cos and tan (the functions here whose
 * cost grows with their argument's value). Results beyond an ordinary number's range, and
 * results that are not real numbers, are refused.
 */
import {
  create,
  isAccessorNode,
  isArrayNode,
  isAssignmentNode,
  isBlockNode,
  isConditionalNode,
  isConstantNode,
  isFunctionAssignmentNode,
  isFunctionNode,
  isIndexNode,
  isObjectNode,
  isOperatorNode,
  isParenthesisNode,
  isRangeNode,
  isRelationalNode,
  isSymbolNode,
} from "mathjs";
import * as mathjs from "mathjs";
import type { BigNumber, FactoryFunctionMap, MathNode } from "mathjs";
import { TOOL_ARGUMENTS, TOOL_DESCRIPTIONS, toolParameters } from "../../../shared/tools.ts";
import type { ToolArguments } from "../../../shared/tools.ts";
import { ToolError } from "./types.ts";
import type { AgentTool } from "./types.ts";

const math = create(
  present([
    mathjs.absDependencies,
    mathjs.acosDependencies,
    mathjs.addDependencies,
    mathjs.asinDependencies,
    mathjs.atan2Dependencies,
    mathjs.atanDependencies,
    mathjs.bignumberDependencies,
    mathjs.cbrtDependencies,
    mathjs.ceilDependencies,
    mathjs.compileDependencies,
    mathjs.cosDependencies,
    mathjs.divideDependencies,
    mathjs.eDependencies,
    mathjs.expDependencies,
    mathjs.factorialDependencies,
    mathjs.fixDependencies,
    mathjs.floorDependencies,
    mathjs.formatDependencies,
    mathjs.gcdDependencies,
    mathjs.hypotDependencies,
    mathjs.lcmDependencies,
    mathjs.log10Dependencies,
    mathjs.log2Dependencies,
    mathjs.logDependencies,
    mathjs.maxDependencies,
    mathjs.minDependencies,
    mathjs.modDependencies,
    mathjs.multiplyDependencies,
    mathjs.parseDependencies,
    mathjs.piDependencies,
    mathjs.powDependencies,
    mathjs.roundDependencies,
    mathjs.signDependencies,
    mathjs.sinDependencies,
    mathjs.sqrtDependencies,
    mathjs.subtractDependencies,
    mathjs.tanDependencies,
    mathjs.tauDependencies,
    mathjs.toDependencies,
    mathjs.unaryMinusDependencies,
    mathjs.unaryPlusDependencies,
    mathjs.unitDependencies,
  ]),
  // predictable: sqrt(-1) is NaN (refused below), not the complex number i.
  { number: "BigNumber", precision: 64, predictable: true },
);

/**
 * Angles past this many radians are refused: reducing a huge angle by 2π costs decimal.js as
 * many digits of π as the angle has (sin(1e300) takes ~100 ms of CPU; 45 of them fit in the
 * 500 characters), and the sine of such an angle means nothing anyway. Past ~1e1000 decimal.js
 * throws "Precision limit exceeded" and leaves its class's precision and rounding raised, so
 * every later calculation in the isolate would round down and run at 100,000 digits: keep any
 * function whose working precision grows with its argument behind a bound like this one.
 */
const MAX_ANGLE_RADIANS = 1e15;
const { sin, cos, tan } = math;
math.import(
  {
    sin: onBoundedAngle(sin),
    cos: onBoundedAngle(cos),
    tan: onBoundedAngle(tan),
  },
  { override: true },
);

/** Functions an expression may call (each is in the instance above). */
const FUNCTIONS = new Set([
  "abs",
  "acos",
  "asin",
  "atan",
  "atan2",
  "cbrt",
  "ceil",
  "cos",
  "exp",
  "factorial",
  "fix",
  "floor",
  "gcd",
  "hypot",
  "lcm",
  "log",
  "log10",
  "log2",
  "max",
  "min",
  "mod",
  "pow",
  "round",
  "sign",
  "sin",
  "sqrt",
  "tan",
]);
/** Operators, by the function mathjs names them with ("10%" is divide, "5 km to mile" is to). */
const OPERATORS = new Set([
  "add",
  "subtract",
  "multiply",
  "divide",
  "pow",
  "mod",
  "unaryMinus",
  "unaryPlus",
  "factorial",
  "to",
]);
const CONSTANTS = new Set(["pi", "e", "tau"]);
/** 170! is the largest factorial within an ordinary number's range. */
const MAX_FACTORIAL = 170;
/** Results past this magnitude (a double's range) are refused as too large to be useful. */
const MAX_MAGNITUDE = "1e308";
const SIGNIFICANT_DIGITS = 14;
/** Integers below this are written out in full ("18446744073709551616"), not in e-notation. */
const FULL_INTEGER_BELOW = "1e21";

const HOW_TO =
  "Use numbers, + - * / ^ %, parentheses, the constants pi and e, units (5 km to mile) and functions such as sqrt, round, log, sin, min and max.";

export const calculatorTool: AgentTool<ToolArguments<"calculator">> = {
  spec: {
    name: "calculator",
    description: TOOL_DESCRIPTIONS.calculator,
    parameters: toolParameters(TOOL_ARGUMENTS.calculator),
  },
  args: TOOL_ARGUMENTS.calculator,
  describeCall: ({ expression }) => `Calculating ${short(expression)}`,
  run({ expression }) {
    try {
      const result = calculate(expression);
      return Promise.resolve({
        content: `${expression.trim()} = ${result}`,
        summary: `Calculated ${short(expression)} = ${short(result)}`,
        detail: null,
      });
    } catch (err) {
      return Promise.reject(err);
    }
  },
};

/** Evaluates one arithmetic expression to its formatted result; ToolError when it cannot. */
export function calculate(expression: string): string {
  let tree: MathNode;
  try {
    tree = math.parse(expression);
  } catch (err) {
    throw new ToolError(`Could not read the expression: ${messageOf(err)}. ${HOW_TO}`);
  }
  tree.traverse(checkNode);
  let value: unknown;
  try {
    value = tree.compile().evaluate({});
  } catch (err) {
    if (err instanceof ToolError) throw err;
    throw new ToolError(`Could not calculate ${short(expression)}: ${messageOf(err)}. ${HOW_TO}`);
  }
  return formatResult(value);
}

/** Refuses any node outside plain arithmetic (see the header). */
function checkNode(node: MathNode, path: string, parent: MathNode | null): void {
  if (isConstantNode(node)) {
    if (typeof node.value === "string")
      throw new ToolError("Text in quotes is not a number. " + HOW_TO);
    return;
  }
  if (isParenthesisNode(node)) return;
  if (isOperatorNode(node)) {
    if (!OPERATORS.has(node.fn))
      throw new ToolError(`The operator ${node.op} is not supported. ${HOW_TO}`);
    if (node.fn === "factorial") checkFactorial(node.args[0]);
    return;
  }
  if (isFunctionNode(node)) {
    if (!isSymbolNode(node.fn)) throw new ToolError(`${unsupported(node.fn)} ${HOW_TO}`);
    const name = node.fn.name;
    if (!FUNCTIONS.has(name))
      throw new ToolError(`Unknown function ${name}: it is not available. ${HOW_TO}`);
    if (name === "factorial") checkFactorial(node.args[0]);
    return;
  }
  if (isSymbolNode(node)) {
    // A called function's name is checked with its call above.
    if (parent !== null && isFunctionNode(parent) && path === "fn") return;
    if (CONSTANTS.has(node.name) || math.Unit.isValuelessUnit(node.name)) return;
    throw new ToolError(
      `Unknown name "${node.name}": the calculator has no variables or currencies; put the numbers in the expression. ${HOW_TO}`,
    );
  }
  throw new ToolError(`${unsupported(node)} ${HOW_TO}`);
}

function unsupported(node: MathNode): string {
  if (isAssignmentNode(node))
    return "Assignments (x = 3) are not supported: write the numbers into one expression.";
  if (isFunctionAssignmentNode(node)) return "Defining functions is not supported.";
  if (isBlockNode(node)) return "Only one expression can be calculated at a time.";
  if (isRelationalNode(node)) return "Comparisons are not supported.";
  if (isConditionalNode(node)) return "Conditions (a ? b : c) are not supported.";
  if (isAccessorNode(node) || isIndexNode(node) || isObjectNode(node))
    return "Objects and property access are not supported.";
  if (isArrayNode(node) || isRangeNode(node))
    return "Lists, matrices and ranges are not supported: pass the numbers to the function, as in max(1, 2, 3).";
  return `This kind of expression (${node.type}) is not supported.`;
}

/** sin, cos or tan, refusing an angle past MAX_ANGLE_RADIANS before reducing it. */
function onBoundedAngle(trig: typeof sin): (x: unknown) => unknown {
  const refusal = () =>
    new ToolError(
      "sin, cos and tan take angles up to 1e15 radians (or the same in degrees); check the expression.",
    );
  return (x) => {
    if (math.isUnit(x)) {
      if (!(Math.abs(x.toNumber("rad")) <= MAX_ANGLE_RADIANS)) throw refusal();
      return trig(x);
    }
    if (math.isBigNumber(x)) {
      if (!x.abs().lte(MAX_ANGLE_RADIANS)) throw refusal();
      return trig(x);
    }
    return trig(Number.NaN);
  };
}

function checkFactorial(arg: MathNode | undefined): void {
  const n = arg !== undefined && isConstantNode(arg) ? Number(arg.value) : Number.NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_FACTORIAL)
    throw new ToolError(
      `Factorials are only calculated of a whole number from 0 to ${MAX_FACTORIAL} written as a number (such as 12!).`,
    );
}

function formatResult(value: unknown): string {
  if (math.isUnit(value)) {
    const amount: unknown = value.toJSON().value;
    if (amount !== null) checkMagnitude(math.bignumber(String(amount)));
    return math.format(value, { precision: SIGNIFICANT_DIGITS });
  }
  if (typeof value === "number") return formatResult(math.bignumber(String(value)));
  if (!math.isBigNumber(value))
    throw new ToolError(`The expression did not give a number. ${HOW_TO}`);
  checkMagnitude(value);
  if (value.isInteger() && value.abs().lt(FULL_INTEGER_BELOW)) return value.toFixed();
  return math.format(value, { precision: SIGNIFICANT_DIGITS });
}

function checkMagnitude(value: BigNumber): void {
  if (value.isNaN())
    throw new ToolError(
      "The result is not a real number (such as the square root or logarithm of a negative number).",
    );
  if (!value.isFinite() || value.abs().gt(MAX_MAGNITUDE))
    throw new ToolError(
      "The result is infinite or too large to be useful (a division by zero, or a huge power); check the expression.",
    );
}

/**
 * The factories to build the instance from. mathjs types its `xxxDependencies` exports as
 * entries of a Record (possibly undefined under noUncheckedIndexedAccess); each is there at run
 * time, and a missing one fails at load.
 */
function present(deps: Array<FactoryFunctionMap | undefined>): FactoryFunctionMap {
  const factories: FactoryFunctionMap = {};
  deps.forEach((dep, i) => {
    if (dep === undefined) throw new Error(`mathjs lacks dependency set ${i}`);
    factories[`set${i}`] = dep;
  });
  return factories;
}

function short(text: string): string {
  const line = text.trim().replace(/\s+/g, " ");
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function messageOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\.+$/, "").slice(0, 200);
}
