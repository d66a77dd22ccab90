/**
 * The embedded VectorStore: each tenant's chunks live in its own KnowledgeBase Durable
 * Object (`idFromName(tenantId)`), called by RPC through its interface (kb-rpc.ts). Vectors travel as Float32Array (half the
 * bytes of numbers, no per-element encoding), and large upserts are cut into calls well
 * under the RPC message limit (32 MiB).
 */
import type { KnowledgeBaseRpc, StoredChunk } from "./kb-rpc.ts";
import { AppError } from "../errors.ts";
import type {
  ChunkRecord,
  CollectionInfo,
  SearchHit,
  SearchQuery,
  VectorStore,
} from "./vector-store.ts";
import { validateSearch } from "./validate.ts";

/** Bytes of vectors per upsert call; text and metadata ride along. */
const MAX_VECTOR_BYTES_PER_CALL = 8 * 1024 * 1024;

export class KnowledgeBaseStore implements VectorStore {
  private readonly namespace: DurableObjectNamespace<KnowledgeBaseRpc>;

  constructor(namespace: DurableObjectNamespace<KnowledgeBaseRpc>) {
    this.namespace = namespace;
  }

  private stub(tenantId: string) {
    if (!tenantId) throw new Error("a tenant id is required");
    return this.namespace.get(this.namespace.idFromName(tenantId));
  }

  async upsert(
    tenantId: string,
    embedding: { model: string; dimensions: number },
    chunks: ChunkRecord[],
  ): Promise<{ upserted: number }> {
    const stub = this.stub(tenantId);
    const perCall = Math.max(
      1,
      Math.floor(MAX_VECTOR_BYTES_PER_CALL / (Math.max(1, embedding.dimensions) * 4)),
    );
    let upserted = 0;
    for (let start = 0; start === 0 || start < chunks.length; start += perCall) {
      const batch = chunks.slice(start, start + perCall).map(toStored);
      const result = await stub.upsert(
        { model: embedding.model, dimensions: embedding.dimensions },
        batch,
      );
      if (!result.ok) throw new AppError(result.code, 409, result.message);
      upserted += result.upserted;
    }
    return { upserted };
  }

  async search(tenantId: string, query: SearchQuery): Promise<SearchHit[]> {
    validateSearch(query);
    const { vector, ...rest } = query;
    return this.stub(tenantId).search({
      ...rest,
      ...(vector ? { vector: Float32Array.from(vector) } : {}),
    });
  }

  deleteDocument(tenantId: string, documentId: string): Promise<{ deleted: number }> {
    return this.stub(tenantId).deleteDocument(documentId);
  }

  setDocumentAgents(tenantId: string, documentId: string, agentIds: string[]): Promise<void> {
    return this.stub(tenantId).setDocumentAgents(documentId, agentIds);
  }

  countDocumentChunks(tenantId: string, documentId: string): Promise<number> {
    return this.stub(tenantId).countDocumentChunks(documentId);
  }

  collectionInfo(tenantId: string): Promise<CollectionInfo | null> {
    return this.stub(tenantId).collectionInfo();
  }
}

const toStored = (c: ChunkRecord): StoredChunk => ({ ...c, vector: Float32Array.from(c.vector) });
