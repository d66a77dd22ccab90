/**
 * ../shared/eval (real documents and retrieval sets from outside the project) sits beside the
 * checkout in this workplace and in CI, but not in a bare clone. Suites leave out the test
 * files that need it when it is missing, saying so, unless NOOBLE_REQUIRE_EVAL is set (CI
 * sets it, so there a missing folder fails instead of silently testing less).
 */
import { existsSync } from "node:fs";

export const EVAL_DIR = new URL("../../../shared/eval/", import.meta.url);

export function evalExcludes(files: string[]): string[] {
  if (existsSync(EVAL_DIR)) return [];
  if (process.env.NOOBLE_REQUIRE_EVAL)
    throw new Error(`NOOBLE_REQUIRE_EVAL is set but ${EVAL_DIR.pathname} does not exist`);
  console.warn(
    `\n../shared/eval not found: skipping ${files.length} test file(s) that need the evaluation documents.\n`,
  );
  return files;
}
