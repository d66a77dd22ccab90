/**
 * Turns an agent create/update body into the full row to write: partial configs merged over
 * the base (the agent's current settings, or the template's, or the shared defaults),
 * re-validated as a whole, and the model checked against the providers configured here.
 */
import { ExecutionConfigSchema, QueryConfigSchema, RAGConfigSchema } from "../../shared/config.ts";
import type { ExecutionConfig, QueryConfig, RAGConfig } from "../../shared/config.ts";
import type { z } from "zod";
import { AppError } from "../errors.ts";
import { availableModels } from "../llm/models.ts";
import type { WorkerEnv } from "../env.ts";
import { validationError } from "./router.ts";

interface Configs {
  execution_config: ExecutionConfig;
  query_config: QueryConfig;
  rag_config: RAGConfig;
}

interface ConfigPatch {
  execution_config?: object | undefined;
  query_config?: object | undefined;
  rag_config?: object | undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** `patch` over `base`, nested objects (the tools' settings) merged the same way; arrays replaced. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = deepMerge(base[key], value);
  return out;
}

function merge<S extends z.ZodType>(
  schema: S,
  field: string,
  base: object,
  patch: object | undefined,
): z.infer<S> {
  const result = schema.safeParse(deepMerge(base, patch));
  if (!result.success) throw validationError(result.error.issues, field);
  return result.data;
}

export function mergeConfigs(base: Partial<Configs> | undefined, patch: ConfigPatch): Configs {
  return {
    execution_config: merge(
      ExecutionConfigSchema,
      "execution_config",
      base?.execution_config ?? {},
      patch.execution_config,
    ),
    query_config: merge(
      QueryConfigSchema,
      "query_config",
      base?.query_config ?? {},
      patch.query_config,
    ),
    rag_config: merge(RAGConfigSchema, "rag_config", base?.rag_config ?? {}, patch.rag_config),
  };
}

export function assertModelAvailable(env: WorkerEnv, model: string): void {
  const models = availableModels(env);
  if (!models.some((m) => m.id === model)) {
    throw new AppError(
      "MODEL_UNAVAILABLE",
      400,
      `The model "${model}" is not offered by the providers configured on this server. Available: ${models.map((m) => m.id).join(", ")}.`,
      [{ field: "execution_config.model", message: "not available here" }],
    );
  }
}
