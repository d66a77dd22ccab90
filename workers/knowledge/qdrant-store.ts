/**
 * The Qdrant VectorStore (@qdrant/js-client-rest), used when QDRANT_URL is set. Requires
 * Qdrant 1.11 or later (the tenant index, `is_tenant`, is the newest feature it uses; the
 * batch query API and the sparse IDF modifier date from 1.10). Its requests are checked
 * against Qdrant 1.19.0's OpenAPI document in test/node/knowledge.
 *
 * One collection for every tenant ("nooble_chunks"), the layout Qdrant recommends for
 * multitenancy: a named dense vector ("dense", cosine), a named sparse vector ("text",
 * BM25-style term weights with Qdrant's IDF modifier; see sparse.ts), and keyword payload
 * indexes on tenant_id (marked is_tenant, so Qdrant groups each tenant's points), agent_ids,
 * document_id and collection_id. Isolation rests on one rule: every search, count, delete
 * and payload update carries a must-filter on tenant_id (`tenantFilter`), and point ids
 * hash the tenant id with the chunk id, so two tenants never overwrite each other.
 *
 * Scores, higher is better: dense is the cosine; fulltext is the sparse BM25 score mapped
 * into [0, 1) by s / (s + 10), as in the KnowledgeBase. Hybrid ranks as the KnowledgeBase
 * does: one batch request returns the dense and the sparse list, each tenant-filtered and as
 * deep as the KnowledgeBase's (HYBRID_DEPTH_FACTOR x top_k), and qdrant-hits.ts fuses them
 * with the KnowledgeBase's own score fusion and dense weight (fusion.ts); why not Qdrant's
 * fusion is said there.
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import type { Schemas } from "@qdrant/js-client-rest";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { HYBRID_DEPTH_FACTOR } from "./fusion.ts";
import { fuseHits, listHits, normaliseSparse } from "./qdrant-hits.ts";
import type { AnswerPoint } from "./qdrant-hits.ts";
import { documentSparseVector, querySparseVector } from "./sparse.ts";
import { validateSearch } from "./validate.ts";
import type {
  ChunkRecord,
  CollectionInfo,
  SearchHit,
  SearchQuery,
  VectorStore,
} from "./vector-store.ts";

export const QDRANT_COLLECTION = "nooble_chunks";
export const DENSE_VECTOR = "dense";
export const SPARSE_VECTOR = "text";
/** Payload fields with a keyword index; tenant_id is the tenant key. */
export const INDEXED_FIELDS = ["tenant_id", "agent_ids", "document_id", "collection_id"] as const;
/** Points per upsert request: ~1536 floats each keeps a request near 10 MB of JSON. */
const UPSERT_BATCH = 256;

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  collection?: string;
  /** A ready client (tests); otherwise one is made from url and apiKey. */
  client?: QdrantClient;
}

type Condition = { key: string; match: { value: string } | { any: string[] } };
type Filter = { must: Condition[] };
type QueryRequest = Schemas["QueryRequest"];

/** Which collections this isolate has already created or checked, and their dense size. */
const knownCollections = new Map<string, Promise<number>>();

export class QdrantStore implements VectorStore {
  private readonly client: QdrantClient;
  private readonly collection: string;
  private readonly key: string;

  constructor(options: QdrantStoreOptions) {
    // The version check would cost a request per store; the header says which servers work.
    this.client =
      options.client ??
      new QdrantClient({ url: options.url, apiKey: options.apiKey, checkCompatibility: false });
    this.collection = options.collection ?? QDRANT_COLLECTION;
    this.key = `${options.url}|${this.collection}`;
  }

  async upsert(
    tenantId: string,
    embedding: { model: string; dimensions: number },
    chunks: ChunkRecord[],
  ): Promise<{ upserted: number }> {
    const size = await this.ensureCollection(embedding.dimensions);
    if (size !== embedding.dimensions) {
      throw mismatch(
        `The Qdrant collection holds ${size}-dimension vectors; ${embedding.model} vectors have ${embedding.dimensions}.`,
      );
    }
    const wrong = chunks.find((c) => c.vector.length !== embedding.dimensions);
    if (wrong)
      throw mismatch(
        `Chunk ${wrong.id} has a ${wrong.vector.length}-dimension vector; ${embedding.model} vectors have ${embedding.dimensions}.`,
      );
    const current = await this.tenantModel(tenantId);
    if (current !== null && current !== embedding.model) {
      throw mismatch(
        `This knowledge base holds ${current} vectors; it cannot add ${embedding.model} vectors. Delete its documents or re-index them all with one model.`,
      );
    }
    for (let start = 0; start < chunks.length; start += UPSERT_BATCH) {
      const batch = chunks.slice(start, start + UPSERT_BATCH);
      const points = await Promise.all(
        batch.map(async (c) => ({
          id: await pointId(tenantId, c.id),
          // A zero vector has no direction for cosine to compare: the point goes without one.
          vector: {
            ...(isZero(c.vector) ? {} : { [DENSE_VECTOR]: c.vector }),
            [SPARSE_VECTOR]: documentSparseVector(c.text),
          },
          payload: {
            tenant_id: tenantId,
            chunk_id: c.id,
            document_id: c.document_id,
            document_name: c.document_name,
            chunk_index: c.chunk_index,
            text: c.text,
            page: c.page,
            heading_path: c.heading_path,
            agent_ids: c.agent_ids,
            collection_id: c.collection_id,
            embedding_model: embedding.model,
          },
        })),
      );
      await this.client.upsert(this.collection, { wait: true, points });
    }
    return { upserted: chunks.length };
  }

  async search(tenantId: string, query: SearchQuery): Promise<SearchHit[]> {
    validateSearch(query);
    const filter = tenantFilter(tenantId, query);
    const sparse = querySparseVector(query.text);
    const dense = query.vector && !isZero(query.vector) ? query.vector : null;
    const base = { filter, limit: query.top_k, with_payload: true } as const;
    if (query.mode === "fulltext") {
      if (sparse.indices.length === 0) return [];
      return listHits(
        tenantId,
        await this.points({ ...base, query: sparse, using: SPARSE_VECTOR }),
        normaliseSparse,
      );
    }
    if (query.mode === "dense") {
      if (!dense) return [];
      return listHits(tenantId, await this.points({ ...base, query: dense, using: DENSE_VECTOR }));
    }
    const deep = { ...base, limit: query.top_k * HYBRID_DEPTH_FACTOR };
    const searches: QueryRequest[] = [];
    if (dense) searches.push({ ...deep, query: dense, using: DENSE_VECTOR });
    if (sparse.indices.length > 0) searches.push({ ...deep, query: sparse, using: SPARSE_VECTOR });
    if (searches.length === 0) return [];
    const lists = await this.ifCollection(
      () => this.client.queryBatch(this.collection, { searches }),
      [],
    );
    const denseList = dense ? (lists[0]?.points ?? []) : [];
    const sparseList = sparse.indices.length > 0 ? (lists[searches.length - 1]?.points ?? []) : [];
    return fuseHits(tenantId, denseList, sparseList, query.top_k);
  }

  async deleteDocument(tenantId: string, documentId: string): Promise<{ deleted: number }> {
    const filter = tenantFilter(tenantId, { document_ids: [documentId] });
    const deleted = await this.count(filter);
    if (deleted > 0) await this.client.delete(this.collection, { wait: true, filter });
    return { deleted };
  }

  async setDocumentAgents(tenantId: string, documentId: string, agentIds: string[]): Promise<void> {
    const filter = tenantFilter(tenantId, { document_ids: [documentId] });
    await this.ifCollection(
      () =>
        this.client.setPayload(this.collection, {
          wait: true,
          filter,
          payload: { agent_ids: agentIds },
        }),
      null,
    );
  }

  countDocumentChunks(tenantId: string, documentId: string): Promise<number> {
    return this.count(tenantFilter(tenantId, { document_ids: [documentId] }));
  }

  async collectionInfo(tenantId: string): Promise<CollectionInfo | null> {
    const model = await this.tenantModel(tenantId);
    if (model === null) return null;
    const info = await this.client.getCollection(this.collection);
    return {
      embedding_model: model,
      dimensions: denseSize(info.config.params.vectors) ?? 0,
      chunks: await this.count(tenantFilter(tenantId, {})),
    };
  }

  /** The answer points of one query; none while the collection does not exist. */
  private async points(request: QueryRequest): Promise<AnswerPoint[]> {
    const result = await this.ifCollection(() => this.client.query(this.collection, request), {
      points: [],
    });
    return result.points;
  }

  private async count(filter: Filter): Promise<number> {
    const result = await this.ifCollection(
      () => this.client.count(this.collection, { filter, exact: true }),
      { count: 0 },
    );
    return result.count;
  }

  /** The embedding model of any one of the tenant's points, or null when it has none. */
  private async tenantModel(tenantId: string): Promise<string | null> {
    const page = await this.ifCollection(
      () =>
        this.client.scroll(this.collection, {
          filter: tenantFilter(tenantId, {}),
          limit: 1,
          with_payload: ["embedding_model"],
        }),
      { points: [] },
    );
    const model: unknown = page.points[0]?.payload?.embedding_model;
    return typeof model === "string" ? model : null;
  }

  /** Creates the collection and its indexes on first use; resolves to its dense vector size. */
  private ensureCollection(dimensions: number): Promise<number> {
    let known = knownCollections.get(this.key);
    if (!known) {
      known = this.createIfMissing(dimensions);
      knownCollections.set(this.key, known);
      known.catch(() => knownCollections.delete(this.key));
    }
    return known;
  }

  private async createIfMissing(dimensions: number): Promise<number> {
    const { exists } = await this.client.collectionExists(this.collection);
    if (!exists) {
      try {
        await this.client.createCollection(this.collection, {
          vectors: { [DENSE_VECTOR]: { size: dimensions, distance: "Cosine" } },
          sparse_vectors: { [SPARSE_VECTOR]: { modifier: "idf" } },
        });
      } catch (err) {
        // Another isolate created it first.
        if (status(err) !== 409) throw err;
      }
      for (const field of INDEXED_FIELDS) {
        await this.client.createPayloadIndex(this.collection, {
          wait: true,
          field_name: field,
          field_schema: field === "tenant_id" ? { type: "keyword", is_tenant: true } : "keyword",
        });
      }
      return dimensions;
    }
    const info = await this.client.getCollection(this.collection);
    return denseSize(info.config.params.vectors) ?? dimensions;
  }

  /** Runs a read or update; a collection that does not exist yet holds nothing, so `empty`. */
  private async ifCollection<T>(fn: () => Promise<T>, empty: T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (status(err) === 404) return empty;
      throw err;
    }
  }
}

/** The must-filter every request carries: the tenant always, then the query's own filters. */
export function tenantFilter(
  tenantId: string,
  query: Pick<SearchQuery, "agent_id" | "document_ids" | "collection_id">,
): Filter {
  if (!tenantId) throw new Error("a tenant id is required");
  const must: Condition[] = [{ key: "tenant_id", match: { value: tenantId } }];
  if (query.agent_id !== undefined)
    must.push({ key: "agent_ids", match: { value: query.agent_id } });
  if (query.document_ids !== undefined)
    must.push({ key: "document_id", match: { any: query.document_ids } });
  if (query.collection_id !== undefined)
    must.push({ key: "collection_id", match: { value: query.collection_id } });
  return { must };
}

/** Namespace of point ids (a fixed random UUID): UUIDv5 of "tenant id / chunk id". */
const POINT_NAMESPACE = "5b0c6a3e-8f5d-4c1e-9a37-0d2b7e6f4a91";

/** A deterministic UUID (version 5, RFC 9562) for a tenant's chunk: re-upserting overwrites. */
export async function pointId(tenantId: string, chunkId: string): Promise<string> {
  const ns = POINT_NAMESPACE.replace(/-/g, "").match(/../g) ?? [];
  const name = new TextEncoder().encode(`${tenantId}/${chunkId}`);
  const input = new Uint8Array(16 + name.length);
  input.set(ns.map((h) => parseInt(h, 16)));
  input.set(name, 16);
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-1", input)).slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const mismatch = (message: string) => new AppError("EMBEDDING_MISMATCH", 409, message);
const isZero = (v: number[]) => v.every((x) => x === 0);

function status(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("status" in err)) return undefined;
  return typeof err.status === "number" ? err.status : undefined;
}

function denseSize(vectors: unknown): number | undefined {
  const parsed = z.object({ [DENSE_VECTOR]: z.object({ size: z.number() }) }).safeParse(vectors);
  return parsed.success ? parsed.data[DENSE_VECTOR]?.size : undefined;
}
