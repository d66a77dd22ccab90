/**
 * The 30 files of ../shared/eval/docs/manifest.json through the real pipeline (upload, queue
 * stages, parsing, chunking, embedding, indexing) on the Worker, each meeting its `expect`,
 * and every `must_contain` string of an ingested file retrievable by the owner's hit-testing.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorker } from "./harness.ts";

const DOCS = new URL("../../../shared/eval/docs/", import.meta.url);

interface ManifestFile {
  file: string;
  type: string;
  expect: "text" | "empty" | "error" | "no_text_layer" | "sniff";
  must_contain?: string[];
  notes?: string;
}

let worker: Awaited<ReturnType<typeof startWorker>>;
let token: string;
let agentId: string;
let manifest: ManifestFile[];

const api = async (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  const res = await fetch(`${worker.url}${path}`, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  worker = await startWorker();
  const signIn = await fetch(`${worker.url}/api/v1/dev/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `docs-${Date.now()}@example.com` }),
  });
  token = ((await signIn.json()) as { access_token: string }).access_token;
  agentId = (
    await api("/api/v1/agents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Librarian", is_public: true }),
    })
  ).body.id;
  const raw = JSON.parse(await readFile(new URL("manifest.json", DOCS), "utf8")) as {
    files: ManifestFile[];
  };
  manifest = raw.files;
});
afterAll(async () => {
  await worker?.server.close();
});

async function upload(file: ManifestFile) {
  const form = new FormData();
  form.append("file", new Blob([await readFile(new URL(file.file, DOCS))]), file.file);
  form.append("agent_ids[]", agentId);
  return api("/api/v1/ingest", { method: "POST", body: form });
}

async function finalStatus(jobId: string) {
  for (let i = 0; i < 600; i++) {
    const s = await api(`/api/v1/ingest/${jobId}/status`);
    if (s.body.status !== "processing") return s.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${jobId} did not finish`);
}

const normalise = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();

describe("the manifest's files through the real ingestion pipeline", () => {
  it("meets every file's expectation", { timeout: 900_000 }, async () => {
    const outcomes: string[] = [];
    const problems: string[] = [];
    const check = (ok: boolean, what: string) => void (ok || problems.push(what));
    for (const file of manifest) {
      const res = await upload(file);
      let outcome: { status: string; code?: string; chunks?: number };
      if (res.status !== 202) {
        outcome = { status: `rejected ${res.status}`, code: res.body?.error?.code };
      } else {
        const final = await finalStatus(res.body.job_id);
        outcome = { status: final.status, code: final.error?.code, chunks: final.total_chunks };
      }
      outcomes.push(`${file.file}: expect ${file.expect} -> ${JSON.stringify(outcome)}`);
      if (file.expect === "text" || file.expect === "sniff") {
        check(
          outcome.status === "completed",
          `${file.file}: ${JSON.stringify(outcome)}, expected completed`,
        );
        for (const needle of file.must_contain ?? []) {
          let found = false;
          for (const mode of ["fulltext", "hybrid"]) {
            if (found) break;
            const hits = await api(`/api/v1/agents/${agentId}/search`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ query: needle, top_k: 10, mode }),
            });
            found = (hits.body.results as { text: string; document_name: string }[]).some(
              (h) => h.document_name === file.file && normalise(h.text).includes(normalise(needle)),
            );
          }
          check(found, `${file.file}: "${needle}" not retrievable`);
        }
      } else if (file.expect === "empty") {
        check(
          /NO_EXTRACTABLE_TEXT/.test(outcome.code ?? ""),
          `${file.file}: ${JSON.stringify(outcome)}, expected NO_EXTRACTABLE_TEXT`,
        );
      } else if (file.expect === "no_text_layer") {
        check(
          /IMAGE_ONLY_PDF|NO_EXTRACTABLE_TEXT/.test(outcome.code ?? ""),
          `${file.file}: ${JSON.stringify(outcome)}, expected IMAGE_ONLY_PDF`,
        );
      } else {
        check(
          outcome.status !== "completed" && Boolean(outcome.code),
          `${file.file}: ${JSON.stringify(outcome)}, expected a clear error`,
        );
      }
    }
    console.log(outcomes.join("\n"));
    expect(problems).toEqual([]);
  });
});
