/**
 * Control characters in the multipart upload (POST /api/v1/ingest), whose fields the OpenAPI
 * document does not describe: each field is refused with its name, never answered 500, and
 * nothing is stored; free-text metadata values are kept without them. A NUL in a file name
 * makes the runtime refuse the whole multipart body, before any field can be named.
 */
import { describe, expect, it } from "vitest";
import { api, expectError, fieldPaths, signIn } from "../helpers.ts";
import { documentRows, holdPipelineQueues, r2Keys, uploadFile } from "../ingestion/pipeline.ts";
import { HOSTILE_VALUES } from "./probes.ts";

holdPipelineQueues();

const TEXT = "Volcanoes erupt when pressure builds.";

describe("control characters in a multipart upload", () => {
  it.each(HOSTILE_VALUES)(
    "refuses %j in the file's name, collection_id, agent_id, agent_ids, chunk_size and a metadata key, naming each, storing nothing",
    async (bad) => {
      const owner = await signIn();
      const cases: [string, () => Promise<Response>][] = [
        ["file", () => uploadFile(owner.token, TEXT, `notes${bad}.txt`)],
        [
          "collection_id",
          () => uploadFile(owner.token, TEXT, "notes.txt", { collection_id: `c${bad}` }),
        ],
        [
          "agent_id",
          () =>
            uploadFile(owner.token, TEXT, "notes.txt", {
              agent_id: `${crypto.randomUUID()}${bad}`,
            }),
        ],
        [
          "agent_ids",
          () =>
            uploadFile(owner.token, TEXT, "notes.txt", {
              agent_ids: `${crypto.randomUUID()}${bad}`,
            }),
        ],
        [
          "chunk_size",
          () => uploadFile(owner.token, TEXT, "notes.txt", { chunk_size: `256${bad}` }),
        ],
        [
          "metadata",
          () =>
            uploadFile(owner.token, TEXT, "notes.txt", {
              metadata: JSON.stringify({ [`source${bad}`]: "crm" }),
            }),
        ],
      ];
      for (const [field, send] of cases) {
        if (field === "file" && bad.includes("\u0000")) {
          const unreadable = await expectError(await send(), 400, "VALIDATION_FAILED");
          expect(unreadable.message).toMatch(/file name contains control characters/);
          continue;
        }
        const error = await expectError(await send(), 400, "VALIDATION_FAILED");
        expect(
          fieldPaths(error).some((f) => f === field || f.startsWith(`${field}.`)),
          `${field}: ${JSON.stringify(error)}`,
        ).toBe(true);
      }
      expect(await documentRows(owner.userId)).toEqual([]);
      expect(await r2Keys(owner.userId)).toEqual([]);
    },
  );

  it("keeps a metadata value without its control characters, tab and line breaks kept", async () => {
    const owner = await signIn();
    const res = await uploadFile(owner.token, TEXT, "notes.txt", {
      metadata: JSON.stringify({ note: "line\u0000 one\r\n\tline\u009b two" }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { document_id } = (await res.json()) as { document_id: string };
    const doc = (await (
      await api(`/api/v1/documents/${document_id}`, { token: owner.token })
    ).json()) as { metadata: Record<string, unknown> };
    expect(doc.metadata).toEqual({ note: "line one\r\n\tline two" });
  });
});
