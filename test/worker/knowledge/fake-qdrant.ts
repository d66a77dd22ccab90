/**
 * An in-memory stand-in for Qdrant's REST API, answering the requests QdrantStore makes
 * (collections, payload indexes, upsert, query and batch query, scroll, count, delete, set
 * payload) and recording each one, so tests can assert the wire format and run the
 * VectorStore contract without a server. It follows Qdrant's documented semantics where
 * the store relies on them: must-filters (a keyword match on an array field matches any
 * element), point ids that must be UUIDs or integers, named dense (cosine) and sparse (dot,
 * IDF modifier) vectors. It is strict: a filter clause or request shape it does not know
 * answers 400, so the store cannot pass by sending nothing. Its answers follow Qdrant
 * 1.19.0's OpenAPI document; test/node/knowledge checks every one against it. */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Json = Record<string, unknown>;
type Sparse = { indices: number[]; values: number[] };
interface Point {
  dense: number[] | null;
  sparse: Sparse | null;
  payload: Json;
}
interface Collection {
  size: number;
  sparseName: string;
  denseName: string;
  idf: boolean;
  indexes: Map<string, unknown>;
  points: Map<string, Point>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

class BadRequest extends Error {}

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export class FakeQdrant {
  readonly requests: RecordedRequest[] = [];
  readonly collections = new Map<string, Collection>();
  readonly origin: string;

  constructor(origin = `http://qdrant-${crypto.randomUUID().slice(0, 8)}.test:6333`) {
    this.origin = origin;
  }

  /** Answers requests to this fake's origin; anything else is a test bug. */
  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.origin !== new URL(this.origin).origin)
      throw new Error(`unexpected fetch to ${request.url}`);
    const text = await request.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      body,
    });
    try {
      const result = this.handle(request.method, url.pathname, body);
      if (result === NOT_FOUND)
        return json(404, { status: { error: "Not found: Collection doesn't exist!" }, time: 0 });
      return json(200, { result, status: "ok", time: 0 });
    } catch (err) {
      if (err instanceof BadRequest) return json(400, { status: { error: err.message }, time: 0 });
      throw err;
    }
  };

  /** Requests whose path ends with `suffix` (e.g. "/points/query"). */
  sent(suffix: string, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => r.path.endsWith(suffix) && (!method || r.method === method.toUpperCase()),
    );
  }

  private handle(method: string, path: string, body: unknown): unknown {
    const m = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) throw new BadRequest(`unknown path ${path}`);
    const name = decodeURIComponent(m[1] ?? "");
    const rest = m[2] ?? "";
    const c = this.collections.get(name);
    if (rest === "/exists" && method === "GET") return { exists: c !== undefined };
    if (rest === "" && method === "PUT") return this.create(name, body);
    if (!c) return NOT_FOUND;
    const b = isObject(body) ? body : {};
    switch (`${method} ${rest}`) {
      case "GET ":
        return this.info(c);
      case "PUT /index":
        c.indexes.set(String(b.field_name), b.field_schema);
        return { operation_id: 1, status: "completed" };
      case "PUT /points":
        return this.upsert(c, b);
      case "POST /points/query":
        return { points: this.query(c, b) };
      case "POST /points/query/batch":
        if (!Array.isArray(b.searches)) throw new BadRequest("searches expected");
        return (b.searches as unknown[]).map((q) => {
          if (!isObject(q)) throw new BadRequest("search shape");
          return { points: this.query(c, q) };
        });
      case "POST /points/scroll": {
        const filter = parseFilter(b.filter);
        const points = [...c.points]
          .filter(([, p]) => matches(filter, p.payload))
          .slice(0, Number(b.limit ?? 10));
        return {
          points: points.map(([id, p]) => ({ id, payload: pick(p.payload, b.with_payload) })),
          next_page_offset: null,
        };
      }
      case "POST /points/count": {
        const filter = parseFilter(b.filter);
        return { count: [...c.points.values()].filter((p) => matches(filter, p.payload)).length };
      }
      case "POST /points/delete": {
        const filter = parseFilter(b.filter);
        for (const [id, p] of c.points) if (matches(filter, p.payload)) c.points.delete(id);
        return { operation_id: 2, status: "completed" };
      }
      case "POST /points/payload": {
        const filter = parseFilter(b.filter);
        if (!isObject(b.payload)) throw new BadRequest("payload required");
        for (const p of c.points.values())
          if (matches(filter, p.payload)) Object.assign(p.payload, b.payload);
        return { operation_id: 3, status: "completed" };
      }
      default:
        throw new BadRequest(`unsupported ${method} ${path}`);
    }
  }

  private create(name: string, body: unknown): boolean {
    if (this.collections.has(name)) throw new BadRequest(`Collection ${name} already exists`);
    if (!isObject(body) || !isObject(body.vectors) || !isObject(body.sparse_vectors))
      throw new BadRequest("named dense and sparse vectors expected");
    const [denseName, dense] = Object.entries(body.vectors)[0] ?? [];
    const [sparseName, sparse] = Object.entries(body.sparse_vectors)[0] ?? [];
    if (
      !denseName ||
      !isObject(dense) ||
      typeof dense.size !== "number" ||
      dense.distance !== "Cosine" ||
      !sparseName ||
      !isObject(sparse)
    )
      throw new BadRequest("bad vector config");
    this.collections.set(name, {
      size: dense.size,
      denseName,
      sparseName,
      idf: sparse.modifier === "idf",
      indexes: new Map(),
      points: new Map(),
    });
    return true;
  }

  private upsert(c: Collection, b: Json): unknown {
    if (!Array.isArray(b.points)) throw new BadRequest("points expected");
    for (const raw of b.points as unknown[]) {
      if (!isObject(raw) || !isObject(raw.vector) || !isObject(raw.payload))
        throw new BadRequest("point shape");
      const id = raw.id;
      if (typeof id !== "string" || !UUID.test(id))
        throw new BadRequest(`Unable to parse UUID: ${String(id)}`);
      // Named vectors are optional per point; a given one must have the collection's size.
      const dense = raw.vector[c.denseName];
      if (dense !== undefined && (!Array.isArray(dense) || dense.length !== c.size))
        throw new BadRequest(`Wrong input: Vector dimension error: expected dim: ${c.size}`);
      const sparse = raw.vector[c.sparseName];
      c.points.set(id, {
        dense: dense === undefined ? null : (dense as number[]),
        sparse: sparse === undefined ? null : parseSparse(sparse),
        payload: structuredClone(raw.payload),
      });
    }
    return { operation_id: 4, status: "completed" };
  }

  private query(c: Collection, b: Json): Json[] {
    if (b.prefetch !== undefined) throw new BadRequest("prefetch is not supported by this fake");
    const limit = Number(b.limit ?? 10);
    const ranked = this.nearest(c, b.query, b.using, parseFilter(b.filter), limit);
    return ranked.map((r) => ({
      id: r.id,
      version: 1,
      score: r.score,
      ...(b.with_payload === true ? { payload: c.points.get(r.id)?.payload } : {}),
    }));
  }

  /** GET /collections/{name}: the fields Qdrant's CollectionInfo requires, with its defaults. */
  private info(c: Collection): Json {
    const payloadSchema = Object.fromEntries(
      [...c.indexes].map(([field, schema]) => {
        const points = [...c.points.values()].filter(
          (p) => p.payload[field] !== undefined && p.payload[field] !== null,
        ).length;
        return [
          field,
          isObject(schema)
            ? { data_type: schema.type, params: schema, points }
            : { data_type: schema, points },
        ];
      }),
    );
    return {
      status: "green",
      optimizer_status: "ok",
      indexed_vectors_count: 0,
      points_count: c.points.size,
      segments_count: 1,
      config: {
        params: {
          vectors: { [c.denseName]: { size: c.size, distance: "Cosine" } },
          sparse_vectors: { [c.sparseName]: c.idf ? { modifier: "idf" } : {} },
        },
        hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
        optimizer_config: { default_segment_number: 0, flush_interval_sec: 5 },
      },
      payload_schema: payloadSchema,
    };
  }

  private nearest(
    c: Collection,
    query: unknown,
    using: unknown,
    filter: Filter,
    limit: number,
  ): { id: string; score: number }[] {
    const candidates = [...c.points].filter(([, p]) => matches(filter, p.payload));
    let scored: { id: string; score: number }[];
    if (using === c.denseName) {
      if (!Array.isArray(query) || query.length !== c.size)
        throw new BadRequest("dense query of the wrong size");
      const q = query as number[];
      scored = candidates.flatMap(([id, p]) =>
        p.dense ? [{ id, score: cosine(q, p.dense) }] : [],
      );
    } else if (using === c.sparseName) {
      const q = parseSparse(query);
      const df = new Map<number, number>();
      for (const p of c.points.values())
        for (const i of p.sparse?.indices ?? []) df.set(i, (df.get(i) ?? 0) + 1);
      const n = c.points.size;
      const idf = (i: number) =>
        c.idf ? Math.log((n - (df.get(i) ?? 0) + 0.5) / ((df.get(i) ?? 0) + 0.5) + 1) : 1;
      scored = candidates.flatMap(([id, p]) => {
        let s = 0;
        let any = false;
        q.indices.forEach((qi, k) => {
          const at = p.sparse?.indices.indexOf(qi) ?? -1;
          if (at >= 0) {
            any = true;
            s += (q.values[k] ?? 0) * (p.sparse?.values[at] ?? 0) * idf(qi);
          }
        });
        return any ? [{ id, score: s }] : [];
      });
    } else {
      throw new BadRequest(`unknown vector name ${String(using)}`);
    }
    return scored.sort((x, y) => y.score - x.score).slice(0, limit);
  }
}

const NOT_FOUND = Symbol("not found");

type Condition = { key: string; value?: unknown; any?: unknown[] };
type Filter = Condition[];

/** Only `must` with `match: {value}` or `match: {any}` is understood; anything else is refused. */
function parseFilter(raw: unknown): Filter {
  if (raw === undefined || raw === null) return [];
  if (!isObject(raw) || Object.keys(raw).some((k) => k !== "must") || !Array.isArray(raw.must))
    throw new BadRequest("filter: only must is supported");
  return (raw.must as unknown[]).map((c) => {
    if (!isObject(c) || typeof c.key !== "string" || !isObject(c.match))
      throw new BadRequest("filter condition shape");
    if ("value" in c.match) return { key: c.key, value: c.match.value };
    if (Array.isArray(c.match.any)) return { key: c.key, any: c.match.any };
    throw new BadRequest("match: value or any");
  });
}

function matches(filter: Filter, payload: Json): boolean {
  return filter.every((c) => {
    const field = payload[c.key];
    const values = Array.isArray(field) ? field : [field];
    return c.any ? values.some((v) => c.any?.includes(v)) : values.some((v) => v === c.value);
  });
}

function parseSparse(raw: unknown): Sparse {
  if (
    !isObject(raw) ||
    !Array.isArray(raw.indices) ||
    !Array.isArray(raw.values) ||
    raw.indices.length !== raw.values.length
  )
    throw new BadRequest("sparse vector shape");
  const indices = raw.indices as number[];
  if (
    new Set(indices).size !== indices.length ||
    indices.some((i) => !Number.isInteger(i) || i < 0 || i > 0xffffffff)
  )
    throw new BadRequest("sparse indices must be unique u32");
  return { indices, values: raw.values as number[] };
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] ?? 0) * (b[i] ?? 0);
    na += (a[i] ?? 0) ** 2;
    nb += (b[i] ?? 0) ** 2;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

function pick(payload: Json, withPayload: unknown): Json | undefined {
  if (withPayload === true) return payload;
  if (Array.isArray(withPayload))
    return Object.fromEntries(withPayload.map((k) => [String(k), payload[String(k)]]));
  return undefined;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
