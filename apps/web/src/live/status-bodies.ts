import { LRUCache } from "lru-cache";

/** A status answer ready to send: the JSON body and its ETag. */
export interface StatusBody {
  body: Buffer;
  etag: string;
}

export interface StatusBodiesOptions {
  /** Total size of the kept bodies, bytes (a 36-page document's answer is ~34 KB). */
  maxBytes: number;
  /**
   * How long a body may be served, ms. Bodies carry presigned URLs, which the store reuses for half their lifetime:
   * this bounds how much older a URL can be when it is handed out.
   */
  maxAgeMs: number;
  /** The clock the age is measured on, ms (tests); performance.now by default. */
  now?: () => number;
}

/**
 * Serialized status answers per document, valid for one version of its row (PostgreSQL's xmin, which every write
 * to the document or its pages changes). Clients poll a document far more often than a worker writes it: a poll of
 * an unchanged document is then one indexed read of the row and a copy of bytes, not the pages' rows, the
 * presenting, JSON and hashing of a 30+ KB answer (2.2 → ~1 ms of CPU per GET for a 36-page document). The row read
 * stays on every request, so what the API serves is the row as PostgreSQL has it, never older.
 */
export class StatusBodies {
  private readonly cache: LRUCache<string, StatusBody & { version: string }>;

  constructor(private readonly options: StatusBodiesOptions) {
    this.cache = new LRUCache({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => entry.body.length + 64,
      ttl: options.maxAgeMs,
      ttlResolution: 0, // read the clock on every get (no cached "now" timer)
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  /** The answer for `version` of document `id`: the kept one, or `build()`'s, which is kept. */
  async get(id: string, version: string, build: () => Promise<StatusBody>): Promise<StatusBody> {
    const kept = this.cache.get(id);
    if (kept?.version === version) return kept;
    const entry = { ...(await build()), version };
    // Larger than the whole cache: served, not kept (lru-cache would refuse it anyway).
    if (entry.body.length + 64 <= this.options.maxBytes) this.cache.set(id, entry);
    return entry;
  }

  /** Bodies kept now (tests). */
  get size(): number {
    return this.cache.size;
  }
}
