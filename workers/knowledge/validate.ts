/**
 * Checks a SearchQuery before it reaches a store, so both stores refuse the same things the
 * same way: an AppError the API answers as 400 VALIDATION_FAILED.
 */
import { AppError } from "../errors.ts";
import type { SearchQuery } from "./vector-store.ts";

/** The deepest answer a search gives; hybrid fetches a few times this from each list. */
export const MAX_TOP_K = 100;

export function validateSearch(query: SearchQuery): void {
  if (!Number.isInteger(query.top_k) || query.top_k < 1 || query.top_k > MAX_TOP_K) {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      `top_k must be a whole number from 1 to ${MAX_TOP_K}`,
      [{ field: "top_k", message: `between 1 and ${MAX_TOP_K}` }],
    );
  }
  if (query.mode !== "fulltext" && (!query.vector || query.vector.length === 0)) {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      `A ${query.mode} search needs the query's embedding`,
      [{ field: "vector", message: "required for dense and hybrid search" }],
    );
  }
  if (query.vector?.some((x) => !Number.isFinite(x))) {
    throw new AppError(
      "VALIDATION_FAILED",
      400,
      "The query's embedding has a value that is not a finite number",
      [{ field: "vector", message: "finite numbers only" }],
    );
  }
}
