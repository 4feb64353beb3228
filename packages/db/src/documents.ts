import { poolOf, type Db } from "./client";
import type pg from "pg";
import { PgDocumentDeletions } from "./document-deletions";
import { PgDocumentProgress, type DocumentProgress } from "./document-progress";
import { readPages, readVersionedDocument, type VersionedDocument } from "./document-read";
import { DocumentStatus, type Document, type DocumentWithPages, type NewDocument, type Page, type PageRecord } from "./document-types";

export { DocumentStatus, terminalStatuses } from "./document-types";
export type { Document, DocumentWithPages, NewDocument, Page, PageRecord } from "./document-types";
export type { VersionedDocument } from "./document-read";

const noPool = () => new Error("this DocumentRepository has no pg pool (a transaction's client): use one made by createDb");

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

  /** Deletion (SQL over the pool): used by DELETE /api/documents/{id} through deleteDocument. */
  get deletions(): PgDocumentDeletions {
    return new PgDocumentDeletions(this.sqlPool);
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

  claim(id: string, detector: string): Promise<Document | null> {
    return this.progress.claim(id, detector);
  }

  setPageCount(id: string, pageCount: number): Promise<void> {
    return this.progress.setPageCount(id, pageCount);
  }

  recordPage(documentId: string, page: PageRecord): Promise<void> {
    return this.progress.recordPage(documentId, page);
  }

  recordPageExclusively(documentId: string, page: PageRecord, upload: () => Promise<void>): Promise<boolean> {
    return this.progress.recordPageExclusively(documentId, page, upload);
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
