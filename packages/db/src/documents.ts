import { poolOf, type Db } from "./client";
import type pg from "pg";
import { PgDocumentProgress, type DocumentProgress } from "./document-progress";
import { readPages, readVersionedDocument, type VersionedDocument } from "./document-read";
import { readQueueAhead, readRecentThroughput, type QueueAhead, type RecentThroughput } from "./queue-position";
import { DocumentStatus, type Document, type DocumentWithPages, type NewDocument, type Page, type PageRecord } from "./document-types";

export { DocumentStatus, terminalStatuses } from "./document-types";
export type { Document, DocumentWithPages, NewDocument, Page, PageRecord } from "./document-types";
export type { VersionedDocument } from "./document-read";

const noPool = () => new Error("this DocumentRepository has no pg pool (a transaction's client): use one made by createDb");

/** What makes a finished document's results valid for a new upload: the same bytes and the same settings. */
export interface ReuseMatch {
  sourceSha256: string;
  detector: string;
  dpi: number;
  ocr: boolean;
}

export type CancelResult = "cancelled" | "already_cancelled" | "finished" | "not_found";

/**
 * The web's view of documents, on Prisma. The worker's transitions (claim, pages, the end states, housekeeping's
 * scan, the status read) are PgDocumentProgress's, in SQL over the same pool; the methods of the same names here
 * delegate to it, so each status rule is written once.
 */
export class DocumentRepository implements DocumentProgress {
  private readonly pool: pg.Pool | undefined;
  private readonly sql: PgDocumentProgress | undefined;

  constructor(private readonly db: Db) {
    this.pool = poolOf(db);
    this.sql = this.pool && new PgDocumentProgress(this.pool);
  }

  /** The SQL half; a repository on a transaction's client has none (it only creates documents). */
  private get progress(): PgDocumentProgress {
    if (!this.sql) throw noPool();
    return this.sql;
  }

  private get sqlPool(): pg.Pool {
    if (!this.pool) throw noPool();
    return this.pool;
  }

  /**
   * The newest `succeeded` document made from the same bytes with the same settings (detector, render DPI, OCR),
   * with its pages: what an upload with reuse=true copies. A partial index on source_sha256 (succeeded) finds it.
   */
  async findReusable(match: ReuseMatch): Promise<DocumentWithPages | null> {
    const found = await this.db.document.findFirst({
      where: { sourceSha256: match.sourceSha256, status: DocumentStatus.succeeded, detector: match.detector, dpi: match.dpi, ocr: match.ocr },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      include: { pages: { orderBy: { number: "asc" } } },
    });
    return found;
  }

  /**
   * A new `succeeded` document holding copies of `from`'s results (the caller has already copied the objects to
   * `pages`' keys), marked reusedFrom. One INSERT with its pages (atomic; works on a transaction's client too).
   */
  createReused(input: NewDocument, from: DocumentWithPages, pages: Array<{ number: number; imageKey: string | null; jsonKey: string | null }>): Promise<Document> {
    const keys = new Map(pages.map((p) => [p.number, p]));
    const now = new Date();
    return this.db.document.create({
      data: {
        ...input,
        status: DocumentStatus.succeeded,
        pageCount: from.pageCount,
        pagesDone: from.pagesDone,
        detector: from.detector,
        dpi: from.dpi,
        reusedFrom: from.id,
        startedAt: now,
        finishedAt: now,
        pages: {
          create: from.pages.map(({ documentId: _from, createdAt: _at, ...page }) => ({
            ...page,
            imageKey: keys.get(page.number)?.imageKey ?? null,
            jsonKey: keys.get(page.number)?.jsonKey ?? null,
          })),
        },
      },
    });
  }

  create(input: NewDocument): Promise<Document> {
    return this.db.document.create({ data: { ...input, status: DocumentStatus.queued } });
  }

  /** The document and its pages (in order). In SQL over the client's pool where it has one (document-read.ts). */
  find(id: string): Promise<DocumentWithPages | null> {
    return this.sql ? this.sql.find(id) : this.findThroughPrisma(id);
  }

  /** The document row alone and its version, which changes with every write to the document or its pages (SQL). */
  findVersioned(id: string): Promise<VersionedDocument | null> {
    return readVersionedDocument(this.sqlPool, id);
  }

  /** What is ahead of a queued document (queue-position.ts; SQL). */
  queueAhead(doc: { id: string; createdAt: Date | string }): Promise<QueueAhead> {
    return readQueueAhead(this.sqlPool, doc);
  }

  /** Pages the workers recorded over the last `windowSeconds` (queue-position.ts; SQL). */
  recentThroughput(windowSeconds: number): Promise<RecentThroughput> {
    return readRecentThroughput(this.sqlPool, windowSeconds);
  }

  /** A document's pages in page order (SQL). */
  pagesOf(documentId: string): Promise<Page[]> {
    return readPages(this.sqlPool, documentId);
  }

  /** The same read through Prisma: inside a transaction, and as the reference the SQL read is tested against. */
  findThroughPrisma(id: string): Promise<DocumentWithPages | null> {
    return this.db.document.findUnique({ where: { id }, include: { pages: { orderBy: { number: "asc" } } } });
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<Document | null> {
    return this.db.document.findUnique({ where: { idempotencyKey } });
  }

  statusOf(id: string): Promise<DocumentStatus | undefined> {
    return this.progress.statusOf(id);
  }

  findPage(documentId: string, number: number): Promise<Page | null> {
    return this.db.page.findUnique({ where: { documentId_number: { documentId, number } } });
  }

  /** Newest first; keyset pagination on (createdAt, id). */
  async list(limit: number, cursor?: { createdAt: Date; id: string }): Promise<Document[]> {
    return this.db.document.findMany({
      where: cursor
        ? {
            OR: [
              { createdAt: { lt: cursor.createdAt } },
              { createdAt: cursor.createdAt, id: { lt: cursor.id } },
            ],
          }
        : undefined,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    });
  }

  claim(id: string, detector: string, dpi?: number): Promise<Document | null> {
    return this.progress.claim(id, detector, dpi);
  }

  setSourceSha256(id: string, sha256: string): Promise<void> {
    return this.progress.setSourceSha256(id, sha256);
  }

  setPageCount(id: string, pageCount: number): Promise<void> {
    return this.progress.setPageCount(id, pageCount);
  }

  recordPage(documentId: string, page: PageRecord): Promise<void> {
    return this.progress.recordPage(documentId, page);
  }

  markSucceeded(id: string): Promise<boolean> {
    return this.progress.markSucceeded(id);
  }

  markFailed(id: string, code: string, message: string): Promise<boolean> {
    return this.progress.markFailed(id, code, message);
  }

  /**
   * Cancels a queued or processing document. A processing one stops within one page: the worker reads the status
   * between pages. Pages done so far are kept.
   */
  async cancel(id: string): Promise<CancelResult> {
    const r = await this.db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.queued, DocumentStatus.processing] } },
      data: { status: DocumentStatus.cancelled, finishedAt: new Date() },
    });
    if (r.count === 1) return "cancelled";
    const status = await this.statusOf(id);
    if (status === undefined) return "not_found";
    return status === DocumentStatus.cancelled ? "already_cancelled" : "finished";
  }

  /** failed|cancelled → queued, keeping the pages done (the job resumes after them). */
  async requeue(id: string): Promise<boolean> {
    const r = await this.db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.failed, DocumentStatus.cancelled] } },
      data: { status: DocumentStatus.queued, errorCode: null, errorMessage: null, finishedAt: null },
    });
    return r.count === 1;
  }

  unfinishedOlderThan(olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]> {
    return this.progress.unfinishedOlderThan(olderThanMs, limit);
  }
}
