import type { Db } from "./client";
import { readDocumentWithPages, readPagesOf, readStatus, readVersionedDocument, type VersionedDocument } from "./document-read";
import { DocumentStatus, type Document, type DocumentWithPages, type NewDocument, type Page } from "./document-row";
import { readQueueAhead, readRecentThroughput, type QueueAhead, type RecentThroughput } from "./queue-position";
import { webTransitions, type ReusedPageKeys } from "./web-transitions";
import { PgDocumentDeletions } from "./document-deletions";
import { deleteDocument, type DeleteDocumentDeps, type DeleteOutcome } from "./delete-document";

export { DocumentStatus } from "./document-row";
export type { Document, DocumentWithPages, NewDocument, Page } from "./document-row";
export type { VersionedDocument } from "./document-read";
export type { QueueAhead, RecentThroughput } from "./queue-position";

/** What makes a finished document's results valid for a new upload: the same bytes and the same settings. */
export interface ReuseMatch {
  sourceSha256: string;
  detector: string;
  dpi: number;
  ocr: boolean;
}

export type CancelResult = "cancelled" | "already_cancelled" | "finished" | "not_found";

/**
 * The web's documents (`@pagewise/db`): the reads (the hot ones in SQL over the client's pool, the rest on Prisma)
 * and the web's transitions (web-transitions.ts). The worker's transitions are not here: the web never claims,
 * records a page or finishes a document.
 */
export class DocumentRepository {
  /**
   * `changes`: the process's change feed. Each write here then resolves only once the feed has emitted it, so what
   * follows the feed (the status answers kept, SSE streams, long-polls) shows this process's own writes at once.
   */
  constructor(
    private readonly db: Db,
    private readonly changes?: { caughtUp(): Promise<void> },
  ) {}

  /** The same repository, its writes followed by the feed's catching up (see the constructor). */
  followedBy(changes: { caughtUp(): Promise<void> } | undefined): DocumentRepository {
    return changes ? new DocumentRepository(this.db, changes) : this;
  }

  private async written<T>(result: T): Promise<T> {
    await this.changes?.caughtUp();
    return result;
  }

  /** Deletion (SQL over the pool): used by DELETE /api/documents/{id} through deleteDocument. */
  get deletions(): PgDocumentDeletions {
    return new PgDocumentDeletions(this.db.pool);
  }

  /**
   * Any state → gone, through the one deletion path (`deleteDocument`), resolved once the feed has heard it like the
   * other writes here, so no kept status answer outlives the document.
   */
  async delete(id: string, deps: Omit<DeleteDocumentDeps, "deletions">): Promise<DeleteOutcome> {
    return this.written(await deleteDocument({ ...deps, deletions: this.deletions }, id));
  }

  /** → queued. An INSERT: no one can have kept or be watching a document that did not exist, so nothing to wait for. */
  create(input: NewDocument): Promise<Document> {
    return webTransitions.create(this.db.pool, input);
  }

  /**
   * The newest `succeeded` document made from the same bytes with the same settings (detector, render DPI, OCR),
   * with its pages: what an upload with reuse=true copies. A partial index on source_sha256 (succeeded) finds it.
   */
  findReusable(match: ReuseMatch): Promise<DocumentWithPages | null> {
    return this.db.document.findFirst({
      where: { sourceSha256: match.sourceSha256, status: DocumentStatus.succeeded, detector: match.detector, dpi: match.dpi, ocr: match.ocr },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      include: { pages: { orderBy: { number: "asc" } } },
    });
  }

  /** → succeeded as a copy of `from` (web-transitions.ts). An INSERT, like create: nothing to wait for. */
  createReused(input: NewDocument, from: DocumentWithPages, pages: ReusedPageKeys[]): Promise<Document> {
    return webTransitions.createReused(this.db, input, from, pages);
  }

  /** The document and its pages (in order), in SQL (document-read.ts). */
  find(id: string): Promise<DocumentWithPages | null> {
    return readDocumentWithPages(this.db.pool, id);
  }

  /** The document row alone and its version, which changes with every write to the document or its pages (SQL). */
  findVersioned(id: string): Promise<VersionedDocument | null> {
    return readVersionedDocument(this.db.pool, id);
  }

  /** What is ahead of a queued document (queue-position.ts; SQL). */
  queueAhead(doc: { id: string; createdAt: Date | string }): Promise<QueueAhead> {
    return readQueueAhead(this.db.pool, doc);
  }

  /** Pages the workers recorded over the last `windowSeconds` (queue-position.ts; SQL). */
  recentThroughput(windowSeconds: number): Promise<RecentThroughput> {
    return readRecentThroughput(this.db.pool, windowSeconds);
  }

  /** The pages of a row read with findVersioned (in page order), with the row again if a page was recorded in between (SQL). */
  pagesOf(row: VersionedDocument): Promise<{ row: VersionedDocument; pages: Page[] }> {
    return readPagesOf(this.db.pool, row);
  }

  /** The same read through Prisma: the reference the SQL read is tested against. */
  findThroughPrisma(id: string): Promise<DocumentWithPages | null> {
    return this.db.document.findUnique({ where: { id }, include: { pages: { orderBy: { number: "asc" } } } });
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<Document | null> {
    return this.db.document.findUnique({ where: { idempotencyKey } });
  }

  statusOf(id: string): Promise<DocumentStatus | undefined> {
    return readStatus(this.db.pool, id);
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

  /**
   * Cancels a queued or processing document. A processing one stops within one page: the worker reads the status
   * between pages. Pages done so far are kept.
   */
  async cancel(id: string): Promise<CancelResult> {
    if (await webTransitions.cancel(this.db, id)) return this.written("cancelled");
    const status = await this.statusOf(id);
    if (status === undefined) return "not_found";
    return status === "cancelled" ? "already_cancelled" : "finished";
  }

  /** failed|cancelled → queued, keeping the pages done (the job resumes after them). */
  async requeue(id: string): Promise<boolean> {
    return this.written(await webTransitions.requeue(this.db, id));
  }

  /** queued → failed `enqueue_failed` with `message`: its job could not be enqueued. */
  async failEnqueue(id: string, message: string): Promise<boolean> {
    return this.written(await webTransitions.failEnqueue(this.db, id, message));
  }
}
