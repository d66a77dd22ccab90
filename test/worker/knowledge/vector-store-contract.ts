/**
 * The VectorStore contract: what every store (KnowledgeBase DO, Qdrant) must do, as one
 * suite run against each. Every test uses fresh tenant ids, so suites can share a store.
 * It imports nothing from cloudflare:*, so Node can run it against a real Qdrant too.
 */
import { describe, expect, it } from "vitest";
import { createLexicalEmbedder } from "../../../workers/embeddings/lexical.ts";
import { AppError } from "../../../workers/errors.ts";
import type {
  ChunkRecord,
  SearchMode,
  SearchQuery,
  VectorStore,
} from "../../../workers/knowledge/vector-store.ts";
import { SEARCH_MODES } from "../../../shared/config.ts";
import { scifact, squad } from "./retrieval-fixtures.ts";
import type { EvalDoc } from "./retrieval-fixtures.ts";

export interface ContractOptions {
  /** Drops the store's in-memory state for a tenant (Durable Object eviction). */
  evict?: (tenantId: string) => Promise<void>;
}

const embedder = createLexicalEmbedder();
const EMBEDDING = { model: embedder.model, dimensions: embedder.dimensions };
const tenant = () => `tenant-${crypto.randomUUID()}`;

/** Three documents on unrelated subjects: two chunks, one chunk, two chunks. */
const LIBRARY = [
  {
    doc: "doc-volcano",
    agents: ["agent-geo"],
    texts: [
      "Basaltic lava flows from the volcano's summit crater during an eruption.",
      "Volcanic ash clouds ground aircraft for days.",
    ],
  },
  {
    doc: "doc-bread",
    agents: ["agent-food"],
    texts: ["Sourdough bread rises slowly with a wild yeast starter and long fermentation."],
  },
  {
    doc: "doc-orbit",
    agents: ["agent-geo", "agent-space"],
    texts: [
      "A geostationary satellite orbits the Earth once per sidereal day.",
      "Kepler's laws describe planetary orbits as ellipses.",
    ],
  },
] as const;

async function chunksOf(
  docs: { doc: string; agents: readonly string[]; texts: readonly string[]; name?: string }[],
  collection: string | null = null,
): Promise<ChunkRecord[]> {
  const flat = docs.flatMap((d) => d.texts.map((text, i) => ({ d, text, i })));
  const vectors = await embedder.embed(flat.map((f) => f.text));
  return flat.map(({ d, text, i }, n) => ({
    id: `${d.doc}:${String(i).padStart(6, "0")}`,
    document_id: d.doc,
    document_name: d.name ?? `${d.doc}.txt`,
    chunk_index: i,
    text,
    page: i + 1,
    heading_path: ["Section", d.doc],
    agent_ids: [...d.agents],
    collection_id: collection,
    vector: vectors[n] ?? [],
  }));
}

async function query(
  text: string,
  mode: SearchMode,
  extra: Partial<SearchQuery> = {},
): Promise<SearchQuery> {
  const [vector] = await embedder.embed([text]);
  return { text, mode, top_k: 5, ...(mode === "fulltext" ? {} : { vector }), ...extra };
}

const docsOf = (hits: { document_id: string }[]) => new Set(hits.map((h) => h.document_id));

export function vectorStoreContract(
  name: string,
  makeStore: () => VectorStore,
  options: ContractOptions = {},
): void {
  describe(`${name}: the VectorStore contract`, () => {
    const store = makeStore();

    async function library(collection: string | null = null) {
      const id = tenant();
      await store.upsert(
        id,
        EMBEDDING,
        await chunksOf(
          LIBRARY.map((l) => ({ ...l })),
          collection,
        ),
      );
      return id;
    }

    it.each(SEARCH_MODES)(
      "finds the chunk that answers a question in %s mode, with its metadata",
      async (mode) => {
        const id = await library();
        const hits = await store.search(id, await query("when does the volcano erupt lava", mode));
        expect(hits[0]).toMatchObject({
          chunk_id: "doc-volcano:000000",
          document_id: "doc-volcano",
          document_name: "doc-volcano.txt",
          chunk_index: 0,
          page: 1,
          heading_path: ["Section", "doc-volcano"],
        });
        expect(hits[0]?.text).toContain("Basaltic lava");
        for (let i = 1; i < hits.length; i++)
          expect(hits[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(hits[i]?.score ?? 0);
      },
    );

    it.each(SEARCH_MODES)(
      "finds text in other scripts and with accents, in %s mode",
      async (mode) => {
        const id = await library();
        await store.upsert(
          id,
          EMBEDDING,
          await chunksOf([
            { doc: "doc-ko", agents: [], texts: ["대한민국의 수도는 서울이다."] },
            { doc: "doc-fr", agents: [], texts: ["Le café crème de la façade."] },
          ]),
        );
        expect((await store.search(id, await query("서울이다", mode)))[0]?.document_id).toBe(
          "doc-ko",
        );
        expect((await store.search(id, await query("CAFE facade", mode)))[0]?.document_id).toBe(
          "doc-fr",
        );
      },
    );

    it("overwrites chunks re-upserted with the same ids instead of adding them", async () => {
      const id = await library();
      const again = await chunksOf([
        {
          ...LIBRARY[0],
          texts: [
            "Pyroclastic flows replace the lava text.",
            "Volcanic ash clouds ground aircraft for days.",
          ],
        },
      ]);
      await store.upsert(id, EMBEDDING, again);
      await store.upsert(id, EMBEDDING, again);
      expect(await store.countDocumentChunks(id, "doc-volcano")).toBe(2);
      expect(await store.collectionInfo(id)).toEqual({
        embedding_model: EMBEDDING.model,
        dimensions: EMBEDDING.dimensions,
        chunks: 5,
      });
      const hits = await store.search(id, await query("pyroclastic", "fulltext"));
      expect(hits.map((h) => h.chunk_id)).toEqual(["doc-volcano:000000"]);
      expect(await store.search(id, await query("basaltic", "fulltext"))).toEqual([]);
    });

    it.each(SEARCH_MODES)(
      "returns only the documents assigned to the agent asked for, in %s mode",
      async (mode) => {
        const id = await library();
        const hits = await store.search(
          id,
          await query("bread volcano satellite orbit lava yeast", mode, {
            agent_id: "agent-food",
            top_k: 10,
          }),
        );
        expect(docsOf(hits)).toEqual(new Set(["doc-bread"]));
        const geo = await store.search(
          id,
          await query("bread volcano satellite orbit lava yeast", mode, {
            agent_id: "agent-geo",
            top_k: 10,
          }),
        );
        expect(docsOf(geo)).toEqual(new Set(["doc-volcano", "doc-orbit"]));
        expect(
          await store.search(id, await query("volcano", mode, { agent_id: "agent-nobody" })),
        ).toEqual([]);
      },
    );

    it.each(SEARCH_MODES)(
      "returns only the documents asked for by id, in %s mode",
      async (mode) => {
        const id = await library();
        const hits = await store.search(
          id,
          await query("volcano lava satellite orbit", mode, {
            document_ids: ["doc-orbit"],
            top_k: 10,
          }),
        );
        expect(docsOf(hits)).toEqual(new Set(["doc-orbit"]));
      },
    );

    it("filters by collection", async () => {
      const id = await library("col-1");
      await store.upsert(
        id,
        EMBEDDING,
        await chunksOf(
          [{ doc: "doc-lava-2", agents: [], texts: ["Lava lakes glow inside a volcano crater."] }],
          "col-2",
        ),
      );
      const hits = await store.search(
        id,
        await query("volcano lava crater", "hybrid", { collection_id: "col-2" }),
      );
      expect(docsOf(hits)).toEqual(new Set(["doc-lava-2"]));
    });

    it("deletes exactly one document's chunks and reports how many", async () => {
      const id = await library();
      expect(await store.deleteDocument(id, "doc-orbit")).toEqual({ deleted: 2 });
      expect(await store.countDocumentChunks(id, "doc-orbit")).toBe(0);
      expect(await store.countDocumentChunks(id, "doc-volcano")).toBe(2);
      expect(await store.countDocumentChunks(id, "doc-bread")).toBe(1);
      for (const mode of SEARCH_MODES)
        expect(
          docsOf(
            await store.search(id, await query("satellite orbits kepler", mode, { top_k: 10 })),
          ),
        ).not.toContain("doc-orbit");
      expect(await store.deleteDocument(id, "doc-orbit")).toEqual({ deleted: 0 });
      expect(await store.deleteDocument(tenant(), "doc-volcano")).toEqual({ deleted: 0 });
      expect(await store.countDocumentChunks(id, "doc-volcano")).toBe(2);
    });

    it.each(SEARCH_MODES)(
      "shows an agent a document once it is assigned and hides it once removed, in %s mode",
      async (mode) => {
        const id = await library();
        const q = await query("sourdough bread yeast", mode, { agent_id: "agent-space" });
        expect(docsOf(await store.search(id, q))).not.toContain("doc-bread");
        await store.setDocumentAgents(id, "doc-bread", ["agent-food", "agent-space"]);
        expect(docsOf(await store.search(id, q))).toContain("doc-bread");
        await store.setDocumentAgents(id, "doc-bread", []);
        expect(docsOf(await store.search(id, { ...q, agent_id: "agent-food" }))).not.toContain(
          "doc-bread",
        );
        expect(await store.countDocumentChunks(id, "doc-bread")).toBe(1);
      },
    );

    it("refuses vectors of another model or another size with EMBEDDING_MISMATCH (409) and stores nothing", async () => {
      const id = await library();
      const [one] = await chunksOf([
        { doc: "doc-new", agents: [], texts: ["A new document about glaciers."] },
      ]);
      if (!one) throw new Error("no chunk");
      for (const attempt of [
        () =>
          store.upsert(id, { model: "text-embedding-3-small", dimensions: EMBEDDING.dimensions }, [
            one,
          ]),
        () =>
          store.upsert(id, { model: EMBEDDING.model, dimensions: 8 }, [
            { ...one, vector: one.vector.slice(0, 8) },
          ]),
        () => store.upsert(id, EMBEDDING, [{ ...one, vector: one.vector.slice(0, 100) }]),
      ]) {
        const err = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ code: "EMBEDDING_MISMATCH", status: 409 });
      }
      expect(await store.countDocumentChunks(id, "doc-new")).toBe(0);
      expect(await store.collectionInfo(id)).toMatchObject({
        embedding_model: EMBEDDING.model,
        dimensions: EMBEDDING.dimensions,
        chunks: 5,
      });
    });

    it(
      "never shows one tenant another tenant's chunks, whatever the query or mode",
      { timeout: 120_000 },
      async () => {
        const a = tenant();
        const b = tenant();
        const load = async (id: string, docs: EvalDoc[]) => {
          const chunks = await chunksOf(
            docs.map((d) => ({
              doc: d.id,
              name: d.title,
              agents: ["agent-shared"],
              texts: [`${d.title}\n${d.text}`],
            })),
          );
          await store.upsert(id, EMBEDDING, chunks);
        };
        const aDocs = scifact.corpus().slice(0, 150);
        const bDocs = squad.corpus();
        await load(a, aDocs);
        await load(b, bDocs);
        const aIds = new Set(aDocs.map((d) => d.id));
        const bIds = new Set(bDocs.map((d) => d.id));
        // Each tenant is asked its own questions and the other's, which match the other's documents best.
        const questions = [...scifact.queries().slice(0, 20), ...squad.queries().slice(0, 20)];
        for (const [id, own, other] of [
          [a, aIds, bIds],
          [b, bIds, aIds],
        ] as const) {
          for (const text of questions) {
            for (const mode of SEARCH_MODES) {
              for (const agent of [undefined, "agent-shared"]) {
                const hits = await store.search(
                  id,
                  await query(text, mode, { top_k: 10, ...(agent ? { agent_id: agent } : {}) }),
                );
                for (const h of hits) {
                  expect(
                    other.has(h.document_id),
                    `${mode} "${text}" returned ${h.document_id}`,
                  ).toBe(false);
                  expect(own.has(h.document_id)).toBe(true);
                }
              }
            }
          }
        }
        expect((await store.collectionInfo(a))?.chunks).toBe(150);
        expect((await store.collectionInfo(b))?.chunks).toBe(bDocs.length);
      },
    );

    it.each(SEARCH_MODES)(
      "treats full-text syntax in a query as plain words, in %s mode",
      async (mode) => {
        const id = await library();
        for (const text of [
          "NEAR(volcano lava",
          '"unbalanced quote',
          "lava*",
          "-volcano",
          "text:volcano",
          "volcano AND OR NOT",
          "^lava",
          "(",
          '"',
          "*",
          ":",
          "",
          "   ",
          "🌋 lava",
          "a OR b",
        ]) {
          const hits = await store.search(id, await query(text, mode));
          expect(Array.isArray(hits)).toBe(true);
        }
        const hits = await store.search(id, await query('NEAR("volcano" lava*', mode));
        expect(hits[0]?.document_id).toBe("doc-volcano");
      },
    );

    it("has no collection before the first upsert", async () => {
      expect(await store.collectionInfo(tenant())).toBeNull();
      expect(await store.search(tenant(), await query("volcano", "hybrid"))).toEqual([]);
    });

    if (options.evict) {
      const evict = options.evict;
      it.each(SEARCH_MODES)(
        "keeps every chunk and still searches in %s mode after its Durable Object is evicted",
        async (mode) => {
          const id = await library();
          const before = await store.search(id, await query("satellite orbit", mode));
          await evict(id);
          expect(await store.collectionInfo(id)).toMatchObject({ chunks: 5 });
          const after = await store.search(id, await query("satellite orbit", mode));
          expect(after).toEqual(before);
          expect(after[0]?.document_id).toBe("doc-orbit");
        },
      );
    }
  });
}
