import { LRUCache } from "lru-cache";
import type { DocumentChangeFeed } from "@pagewise/db";

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
  /** PostgreSQL's change notifications; without them every answer is checked against a read of the row. */
  changes?: DocumentChangeFeed;
}

type Entry = StatusBody & { version: string; trusted: boolean };

/**
 * Serialized status answers per document. Clients poll a document far more often than a worker writes it, so an
 * answer is built (the pages' rows, the presenting, the JSON, its hash) once per version of the document's row
 * (PostgreSQL's xmin, which every write to the document or its pages changes) and then served as bytes.
 *
 * Two ways to know an answer is current:
 * - **checked**: the row is read (one indexed read) and its version compared: always correct.
 * - **trusted**: while PostgreSQL's change notifications are heard (`changes.live`), an answer whose version was
 *   read with no notification for its document arriving meanwhile is served without reading the row; the
 *   notification of the next write drops it, whichever process wrote: a write of this process resolves only once
 *   its notification has been heard here (DocumentRepository's `followedBy`), one of another process is seen when
 *   its notification arrives, well under a millisecond after its commit on one machine.
 * When the feed stops (the LISTEN connection is lost), every answer is dropped and checking resumes until it is back.
 */
export class StatusBodies {
  private readonly cache: LRUCache<string, Entry>;
  /** Reads in progress per document: a notification meanwhile makes their answer untrusted. */
  private readonly reading = new Map<string, Set<{ changed: boolean }>>();

  constructor(private readonly options: StatusBodiesOptions) {
    this.cache = new LRUCache({
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => entry.body.length + 64,
      ttl: options.maxAgeMs,
      ttlResolution: 0, // read the clock on every get (no cached "now" timer)
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
    options.changes?.on("change", (id) => this.forget(id));
    options.changes?.on("live", () => this.forgetAll());
  }

  /**
   * The answer for document `id`: a trusted one as it is; else `read()` gives the row's version (null: no such
   * document, answered null) and the kept answer of that version is served, or `build()`'s, which is then kept.
   */
  async get<Row extends { version: string }>(
    id: string,
    read: () => Promise<Row | null>,
    build: (row: Row) => Promise<StatusBody>,
  ): Promise<StatusBody | null> {
    const kept = this.cache.get(id);
    if (kept?.trusted && this.options.changes?.live) return kept;

    const mark = { changed: !this.options.changes?.live };
    let marks = this.reading.get(id);
    if (!marks) this.reading.set(id, (marks = new Set()));
    marks.add(mark);
    try {
      const row = await read();
      if (!row) return null;
      const current = this.cache.get(id);
      if (current?.version === row.version) {
        current.trusted ||= !mark.changed;
        return current;
      }
      const built = await build(row);
      // Trusted when no notification came since the read began: then this is the latest version.
      const entry: Entry = { ...built, version: row.version, trusted: !mark.changed };
      // Larger than the whole cache: served, not kept (lru-cache would refuse it anyway).
      if (entry.body.length + 64 <= this.options.maxBytes) this.cache.set(id, entry);
      return entry;
    } finally {
      marks.delete(mark);
      if (marks.size === 0) this.reading.delete(id);
    }
  }

  /** Document `id` changed (the feed said so): drop its answer, and distrust the reads of it in progress. */
  forget(id: string): void {
    this.cache.delete(id);
    for (const mark of this.reading.get(id) ?? []) mark.changed = true;
  }

  private forgetAll(): void {
    this.cache.clear();
    for (const marks of this.reading.values()) for (const mark of marks) mark.changed = true;
  }

  /** Answers kept now (tests). */
  get size(): number {
    return this.cache.size;
  }
}
