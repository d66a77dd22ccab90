/**
 * Free-form metadata a client attaches to what it creates: a chat session (`chat/init`, kept on
 * the conversation) or a document (`ingest`). Flat key -> short scalar, bounded so a client
 * cannot turn it into storage: at most METADATA_LIMITS.maxKeys keys, keys of at most
 * maxKeyChars printable characters, strings of at most maxValueChars. Keys follow the single-line
 * rule of shared/text.ts (refused with a control character), string values the free-text rule
 * (control characters but tab and line breaks removed): metadata is stored as jsonb, which cannot
 * hold NUL.
 */
import { z } from "zod";
import { controlCharacterProblem, freeText } from "./text.ts";

export const METADATA_LIMITS = { maxKeys: 32, maxKeyChars: 64, maxValueChars: 500 } as const;

/** One value: a short string, a number, a boolean or null (no nesting). */
export const MetadataValueSchema = z.union(
  [freeText().max(METADATA_LIMITS.maxValueChars), z.number(), z.boolean(), z.null()],
  {
    error: `must be a string of at most ${METADATA_LIMITS.maxValueChars} characters, a number, true, false or null`,
  },
);

/** What clients send: validated with the limits above, each problem named by its key. */
export const MetadataSchema = z
  .record(z.string(), MetadataValueSchema, { error: "must be an object of keys and short values" })
  .superRefine((value, ctx) => {
    const keys = Object.keys(value);
    if (keys.length > METADATA_LIMITS.maxKeys) {
      ctx.addIssue({
        code: "custom",
        message: `can have at most ${METADATA_LIMITS.maxKeys} keys (this has ${keys.length})`,
      });
    }
    for (const key of keys) {
      if (key.length === 0 || key.length > METADATA_LIMITS.maxKeyChars) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `keys must be 1 to ${METADATA_LIMITS.maxKeyChars} characters long`,
        });
      } else {
        const problem = controlCharacterProblem(key);
        if (problem) ctx.addIssue({ code: "custom", path: [key], message: `keys ${problem}` });
      }
    }
  });
export type Metadata = z.infer<typeof MetadataSchema>;

/** What the API answers with: stored metadata, already validated when it was written. */
export const StoredMetadataSchema = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.null()]),
);

/** Stored metadata re-read leniently: a row that no longer fits shows none rather than failing the page. */
export function storedMetadata(value: unknown): z.infer<typeof StoredMetadataSchema> {
  const parsed = StoredMetadataSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}
