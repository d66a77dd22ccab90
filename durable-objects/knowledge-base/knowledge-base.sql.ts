/**
 * The KnowledgeBase's SQLite storage: chunks with their vectors (Float32 bytes), which agents
 * may read each document, an FTS5 index over chunk text kept in step by triggers, and the
 * collection's embedding model. All calls are synchronous (Durable Object SQLite).
 *
 * FTS5 is an external-content table over `chunks` (the text is stored once), tokenised by
 * `porter unicode61 remove_diacritics 2`: Unicode-aware words, accents folded, English
 * suffixes stemmed, so "Résumés" matches "resume".
 */
import type { EmbeddingMeta, StoredChunk } from "../../workers/knowledge/kb-rpc.ts";

export const SCHEMA = `
create table if not exists meta (key text primary key, value text not null);
create table if not exists chunks (
  seq integer primary key,
  id text not null unique,
  document_id text not null,
  document_name text not null,
  chunk_index integer not null,
  text text not null,
  page integer,
  heading_path text not null default '[]',
  collection_id text,
  vector blob not null
);
create index if not exists chunks_by_document on chunks (document_id, chunk_index);
create table if not exists document_agents (
  agent_id text not null,
  document_id text not null,
  primary key (agent_id, document_id)
) without rowid;
create index if not exists document_agents_by_document on document_agents (document_id);
create virtual table if not exists chunks_fts using fts5(
  text, content='chunks', content_rowid='seq', tokenize='porter unicode61 remove_diacritics 2'
);
create trigger if not exists chunks_fts_insert after insert on chunks begin
  insert into chunks_fts (rowid, text) values (new.seq, new.text);
end;
create trigger if not exists chunks_fts_delete after delete on chunks begin
  insert into chunks_fts (chunks_fts, rowid, text) values ('delete', old.seq, old.text);
end;
create trigger if not exists chunks_fts_update after update of text on chunks begin
  insert into chunks_fts (chunks_fts, rowid, text) values ('delete', old.seq, old.text);
  insert into chunks_fts (rowid, text) values (new.seq, new.text);
end;
`;

/** A chunk row without its vector, as returned to searches. */
export type ChunkRow = {
  seq: number;
  id: string;
  document_id: string;
  document_name: string;
  chunk_index: number;
  text: string;
  page: number | null;
  heading_path: string;
};

/** What the vector index reads of every chunk. */
export type VectorRow = {
  seq: number;
  document_id: string;
  collection_id: string | null;
  vector: ArrayBuffer;
};

export interface FulltextRow {
  seq: number;
  bm25: number;
  document_id: string;
  collection_id: string | null;
}

export class KnowledgeBaseSql {
  private readonly sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.sql = sql;
    sql.exec(SCHEMA);
  }

  meta(): EmbeddingMeta | null {
    const rows = this.sql
      .exec<{ key: string; value: string }>(
        "select key, value from meta where key in ('embedding_model', 'dimensions')",
      )
      .toArray();
    const model = rows.find((r) => r.key === "embedding_model")?.value;
    const dimensions = Number(rows.find((r) => r.key === "dimensions")?.value);
    return model && Number.isInteger(dimensions) ? { model, dimensions } : null;
  }

  setMeta(meta: EmbeddingMeta): void {
    this.sql.exec(
      "insert or replace into meta (key, value) values ('embedding_model', ?), ('dimensions', ?)",
      meta.model,
      String(meta.dimensions),
    );
  }

  chunkCount(): number {
    return this.sql.exec<{ n: number }>("select count(*) as n from chunks").one().n;
  }

  /** Inserts or overwrites one chunk by id; its seq (and so its FTS rowid) is kept on overwrite. */
  upsertChunk(c: StoredChunk): void {
    const bytes = c.vector.buffer.slice(
      c.vector.byteOffset,
      c.vector.byteOffset + c.vector.byteLength,
    );
    this.sql.exec(
      `insert into chunks (id, document_id, document_name, chunk_index, text, page, heading_path, collection_id, vector)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (id) do update set document_id = excluded.document_id, document_name = excluded.document_name,
         chunk_index = excluded.chunk_index, text = excluded.text, page = excluded.page, heading_path = excluded.heading_path,
         collection_id = excluded.collection_id, vector = excluded.vector`,
      c.id,
      c.document_id,
      c.document_name,
      c.chunk_index,
      c.text,
      c.page,
      JSON.stringify(c.heading_path),
      c.collection_id,
      bytes,
    );
  }

  setDocumentAgents(documentId: string, agentIds: string[]): void {
    this.sql.exec("delete from document_agents where document_id = ?", documentId);
    for (const agentId of new Set(agentIds))
      this.sql.exec(
        "insert into document_agents (agent_id, document_id) values (?, ?)",
        agentId,
        documentId,
      );
  }

  /** Removes a document's chunks and agent assignment; returns how many chunks there were. */
  deleteDocument(documentId: string): number {
    const deleted = this.countDocumentChunks(documentId);
    this.sql.exec("delete from chunks where document_id = ?", documentId);
    this.sql.exec("delete from document_agents where document_id = ?", documentId);
    return deleted;
  }

  countDocumentChunks(documentId: string): number {
    return this.sql
      .exec<{ n: number }>("select count(*) as n from chunks where document_id = ?", documentId)
      .one().n;
  }

  documentsOfAgent(agentId: string): Set<string> {
    const rows = this.sql.exec<{ document_id: string }>(
      "select document_id from document_agents where agent_id = ?",
      agentId,
    );
    return new Set(Array.from(rows, (r) => r.document_id));
  }

  /** Every chunk's vector and filter fields, in seq order, read lazily. */
  vectorRows(): Iterable<VectorRow> {
    return this.sql.exec<VectorRow>(
      "select seq, document_id, collection_id, vector from chunks order by seq",
    );
  }

  vectorsBySeq(seqs: number[]): Map<number, Float32Array> {
    const out = new Map<number, Float32Array>();
    if (seqs.length === 0) return out;
    const rows = this.sql.exec<{ seq: number; vector: ArrayBuffer }>(
      "select seq, vector from chunks where seq in (select value from json_each(?))",
      JSON.stringify(seqs),
    );
    for (const r of rows) out.set(r.seq, new Float32Array(r.vector));
    return out;
  }

  rowsBySeq(seqs: number[]): Map<number, ChunkRow> {
    const out = new Map<number, ChunkRow>();
    if (seqs.length === 0) return out;
    const rows = this.sql.exec<ChunkRow>(
      `select seq, id, document_id, document_name, chunk_index, text, page, heading_path
       from chunks where seq in (select value from json_each(?))`,
      JSON.stringify(seqs),
    );
    for (const r of rows) out.set(r.seq, r);
    return out;
  }

  /** How many chunks contain `word` as FTS5 tokenises it (stemmed, accents folded). */
  chunksContaining(word: string): number {
    return this.sql
      .exec<{ n: number }>(
        "select count(*) as n from chunks_fts where chunks_fts match ?",
        `"${word.replaceAll('"', '""')}"`,
      )
      .one().n;
  }

  /**
   * The best `limit` chunks for an FTS5 MATCH expression, best first, with FTS5's bm25()
   * (negative: more negative is better) turned into a positive score. Filters are applied
   * by the caller: FTS5 scores every matching row whatever the WHERE clause, and a join on
   * document_agents per row costs as much again as the ranking itself.
   */
  fulltext(match: string, limit: number): FulltextRow[] {
    const rows = this.sql.exec<{
      seq: number;
      rank: number;
      document_id: string;
      collection_id: string | null;
    }>(
      `select c.seq as seq, f.rank as rank, c.document_id as document_id, c.collection_id as collection_id
       from (select rowid, bm25(chunks_fts) as rank from chunks_fts where chunks_fts match ? order by rank limit ?) f
       join chunks c on c.seq = f.rowid
       order by f.rank`,
      match,
      limit,
    );
    return Array.from(rows, (r) => ({
      seq: r.seq,
      bm25: -r.rank,
      document_id: r.document_id,
      collection_id: r.collection_id,
    }));
  }
}
