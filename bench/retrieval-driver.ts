/**
 * A bench-only Worker that sits beside nooble in the test harness (bench/retrieval.ts) and
 * reaches its KnowledgeBase Durable Objects through a cross-script binding, the way the
 * query service does. It embeds with the lexical embedder here, inside workerd, and times
 * each Durable Object call from the Worker's side, so the figures leave out the Node <->
 * workerd hop. Never deployed.
 */
import type { KnowledgeBase } from "../durable-objects/knowledge-base/knowledge-base.ts";
import type { KnowledgeSearch } from "../workers/knowledge/kb-rpc.ts";
import { createLexicalEmbedder } from "../workers/embeddings/lexical.ts";
import type { SearchMode } from "../workers/knowledge/vector-store.ts";

interface DriverEnv {
  KB: DurableObjectNamespace<KnowledgeBase>;
}

interface IngestBody {
  tenant: string;
  docs: { id: string; text: string }[];
}

interface SearchBody {
  tenant: string;
  queries: string[];
  mode: SearchMode;
  top_k: number;
}

const embedder = createLexicalEmbedder();

export default {
  async fetch(request: Request, env: DriverEnv): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path === "/ingest") {
      const body: IngestBody = await request.json();
      const stub = env.KB.get(env.KB.idFromName(body.tenant));
      const vectors = await embedder.embed(body.docs.map((d) => d.text));
      const started = performance.now();
      const result = await stub.upsert(
        { model: embedder.model, dimensions: embedder.dimensions },
        body.docs.map((d, i) => ({
          id: `${d.id}:000000`,
          document_id: d.id,
          document_name: d.id,
          chunk_index: 0,
          text: d.text,
          page: null,
          heading_path: [],
          agent_ids: ["bench-agent"],
          collection_id: null,
          vector: Float32Array.from(vectors[i] ?? []),
        })),
      );
      return Response.json({ result, upsert_ms: performance.now() - started });
    }
    if (path === "/search") {
      // Each query: embed, then one DO search call, timed separately; run one after another.
      const body: SearchBody = await request.json();
      const stub = env.KB.get(env.KB.idFromName(body.tenant));
      const results: {
        ids: string[];
        hits: {
          id: string;
          score: number;
          dense_score: number | null;
          text_score: number | null;
        }[];
        embed_ms: number;
        search_ms: number;
      }[] = [];
      for (const text of body.queries) {
        const t0 = performance.now();
        const [vector] = body.mode === "fulltext" ? [undefined] : await embedder.embed([text]);
        const t1 = performance.now();
        const query: KnowledgeSearch = {
          text,
          mode: body.mode,
          top_k: body.top_k,
          agent_id: "bench-agent",
          ...(vector ? { vector: Float32Array.from(vector) } : {}),
        };
        const hits = await stub.search(query);
        const t2 = performance.now();
        results.push({
          ids: hits.map((h) => h.document_id),
          hits: hits.map((h) => ({
            id: h.document_id,
            score: h.score,
            dense_score: h.dense_score ?? null,
            text_score: h.text_score ?? null,
          })),
          embed_ms: t1 - t0,
          search_ms: t2 - t1,
        });
      }
      return Response.json(results);
    }
    if (path === "/baseline") {
      // The cheapest DO round trip (one indexed COUNT), to set the search figures against.
      const body: { tenant: string; n: number } = await request.json();
      const stub = env.KB.get(env.KB.idFromName(body.tenant));
      const samples: number[] = [];
      for (let i = 0; i < body.n; i++) {
        const t = performance.now();
        await stub.countDocumentChunks("no-such-document");
        samples.push(performance.now() - t);
      }
      return Response.json(samples);
    }
    if (path === "/stats") {
      const body: { tenant: string } = await request.json();
      const stub = env.KB.get(env.KB.idFromName(body.tenant));
      const t = performance.now();
      const stats = await stub.indexStats();
      return Response.json({ ...stats, build_ms: performance.now() - t });
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<DriverEnv>;
