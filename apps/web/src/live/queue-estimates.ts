import { isUnfinished, type DocumentRepository } from "@pagewise/db";

/** The `queue` member of a queued or processing document's status answer. */
export interface QueueInfo {
  /** Queued only: documents ahead of this one (queued before it, or processing). */
  ahead?: number;
  /** Queued only: when a worker should start on it. */
  estimatedStartAt?: string | null;
  /** When it should be finished. */
  estimatedFinishAt: string | null;
  /** The workers' recent throughput the estimates are made from (null: no page recorded lately). */
  pagesPerSecond: number | null;
}

export interface QueueEstimatesOptions {
  /** Pages recorded over this many seconds make the throughput; default 600. */
  windowSeconds?: number;
  /** The throughput is read again after this long (in the background: requests never wait for it); default 10 s. */
  refreshMs?: number;
  now?: () => number;
}

interface Throughput {
  pagesPerSecond: number | null;
  meanPagesPerDocument: number;
}

/** What the status answer says of itself, read from its first bytes (presentSummary's key order). */
const ACTIVE = /"status":"(queued|processing)"/;
const QUEUED = Buffer.from('"status":"queued"');
const PROCESSING = Buffer.from('"status":"processing"');
const ID = /^\{"id":"([0-9a-f-]{36})"/;
const PAGES = /"pageCount":(\d+|null),"pagesDone":(\d+)/;
const CREATED = /"createdAt":"([^"]+)"/;
/** A summary is at most a few KB (title and file name up to 500 characters each); pages come after it. */
const HEAD_BYTES = 8192;

/**
 * Queue position and time estimates for status answers. The answers themselves are kept per version of the
 * document's row (status-bodies.ts), but a queued document's position changes when documents *ahead* of it finish,
 * which does not touch its row: so the estimate is never kept with the answer. It is computed per request and
 * added to the kept bytes (`withQueue`), and the ETag is that of the bytes sent, so a client polling with
 * If-None-Match sees a new answer when its position moves.
 * Cost per request: a queued document, one indexed count (queue-position.ts); a processing one, none. The
 * throughput is one read every `refreshMs` per web process, refreshed in the background.
 */
export class QueueEstimates {
  private throughput: Throughput | undefined;
  private readAt = -Infinity;
  private reading: Promise<Throughput> | undefined;
  private readonly windowSeconds: number;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly documents: Pick<DocumentRepository, "queueAhead" | "recentThroughput">,
    options: QueueEstimatesOptions = {},
  ) {
    this.windowSeconds = options.windowSeconds ?? 600;
    this.refreshMs = options.refreshMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The estimate for a document in this state, or undefined when it is neither queued nor processing. */
  async estimate(doc: { id: string; status: string; createdAt: Date | string; pageCount: number | null; pagesDone: number }): Promise<QueueInfo | undefined> {
    if (!isUnfinished(doc.status)) return undefined;
    const { pagesPerSecond, meanPagesPerDocument } = await this.currentThroughput();
    const now = this.now();
    // Whole seconds: the answer (and its ETag) stays the same for a second at least between polls.
    const at = (seconds: number | null) => (seconds === null ? null : new Date(Math.round(now / 1000 + seconds) * 1000).toISOString());
    const secondsFor = (pages: number) => (pagesPerSecond ? pages / pagesPerSecond : null);
    const ownPages = doc.pageCount === null ? meanPagesPerDocument : Math.max(0, doc.pageCount - doc.pagesDone);
    const rate = pagesPerSecond === null ? null : Math.round(pagesPerSecond * 1000) / 1000;
    if (doc.status === "processing") return { estimatedFinishAt: at(secondsFor(ownPages)), pagesPerSecond: rate };
    const ahead = await this.documents.queueAhead(doc);
    const pagesAhead = ahead.knownPages + ahead.unknownDocuments * meanPagesPerDocument;
    const start = secondsFor(pagesAhead);
    return {
      ahead: ahead.documents,
      estimatedStartAt: at(start),
      estimatedFinishAt: at(start === null ? null : start + (secondsFor(ownPages) ?? 0)),
      pagesPerSecond: rate,
    };
  }

  /**
   * The `queue` member (as JSON) for a kept status answer when the document is queued or processing; undefined
   * otherwise. Read from the answer's first bytes, so nothing else is read to decide.
   */
  async queueJsonFor(body: Buffer): Promise<string | undefined> {
    const start = body.subarray(0, HEAD_BYTES);
    // Most answers polled are of finished documents: tell them by a byte search, without decoding any text.
    if (start.indexOf(QUEUED) < 0 && start.indexOf(PROCESSING) < 0) return undefined;
    const head = start.toString("utf8");
    const status = ACTIVE.exec(head)?.[1];
    if (!status) return undefined;
    const id = ID.exec(head)?.[1];
    const pages = PAGES.exec(head);
    const created = CREATED.exec(head)?.[1];
    if (!id || !pages || !created || body[body.length - 1] !== 0x7d /* } */) return undefined;
    const queue = await this.estimate({
      id,
      status,
      createdAt: created,
      pageCount: pages[1] === "null" ? null : Number(pages[1]),
      pagesDone: Number(pages[2]),
    });
    return queue && JSON.stringify(queue);
  }

  /** A kept status answer with its `queue` member added when the document is queued or processing; else the same bytes. */
  async withQueue(body: Buffer): Promise<Buffer> {
    const queue = await this.queueJsonFor(body);
    return queue === undefined ? body : spliceQueue(body, queue);
  }

  private async currentThroughput(): Promise<Throughput> {
    const stale = this.now() - this.readAt >= this.refreshMs;
    if (stale && !this.reading) {
      this.reading = this.readThroughput().finally(() => (this.reading = undefined));
      this.reading.catch(() => undefined);
    }
    // The first request waits for the first read; later ones are served the last value while it is refreshed.
    if (this.throughput) return this.throughput;
    return (this.reading ?? this.readThroughput()).catch(() => ({ pagesPerSecond: null, meanPagesPerDocument: 1 }));
  }

  private async readThroughput(): Promise<Throughput> {
    const recent = await this.documents.recentThroughput(this.windowSeconds);
    // Two pages at least, a second apart at least: one page or a burst of copies says nothing about speed.
    const pagesPerSecond = recent.pages >= 2 && recent.spanSeconds >= 1 ? (recent.pages - 1) / recent.spanSeconds : null;
    this.throughput = { pagesPerSecond, meanPagesPerDocument: Math.max(1, recent.meanPagesPerDocument ?? 1) };
    this.readAt = this.now();
    return this.throughput;
  }
}

/** `{…}` → `{…,"queue":…}`: the kept bytes, not parsed again. */
export function spliceQueue(body: Buffer, queueJson: string): Buffer {
  return Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(`,"queue":${queueJson}}`)]);
}
