/** Which chunk settings a document gets (workers/services/ingestion/chunk-settings.ts). */
import { describe, expect, it } from "vitest";
import { CONFIG_LIMITS } from "../../shared/config.ts";
import { resolveChunking } from "../../workers/services/ingestion/chunk-settings.ts";

describe("resolveChunking", () => {
  it("takes the one agent's settings, or the defaults without an agent", () => {
    expect(resolveChunking({}, [{ chunk_size: 128, chunk_overlap: 16 }])).toEqual({
      chunk_size: 128,
      chunk_overlap: 16,
      source: "agents",
    });
    expect(resolveChunking({}, [])).toEqual({
      chunk_size: CONFIG_LIMITS.chunkSize.default,
      chunk_overlap: CONFIG_LIMITS.chunkOverlap.default,
      source: "default",
    });
  });

  it("takes the smallest chunk size among several agents, then the smaller overlap, whatever their order", () => {
    const agents = [
      { chunk_size: 512, chunk_overlap: 0 },
      { chunk_size: 256, chunk_overlap: 40 },
      { chunk_size: 256, chunk_overlap: 20 },
    ];
    expect(resolveChunking({}, agents)).toEqual({
      chunk_size: 256,
      chunk_overlap: 20,
      source: "agents",
    });
    expect(resolveChunking({}, [...agents].reverse())).toEqual({
      chunk_size: 256,
      chunk_overlap: 20,
      source: "agents",
    });
  });

  it("lets values sent with the upload win, field by field", () => {
    const agents = [{ chunk_size: 128, chunk_overlap: 16 }];
    expect(resolveChunking({ chunk_size: 1024 }, agents)).toEqual({
      chunk_size: 1024,
      chunk_overlap: 16,
      source: "upload",
    });
    expect(resolveChunking({ chunk_overlap: 0 }, [])).toEqual({
      chunk_size: CONFIG_LIMITS.chunkSize.default,
      chunk_overlap: 0,
      source: "upload",
    });
  });
});
