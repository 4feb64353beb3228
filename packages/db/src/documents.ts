import { poolOf, type Db } from "./client";
import { readDocumentWithPages } from "./document-read";
import { DocumentStatus, type Document, type Page } from "./generated/prisma/client";

export { DocumentStatus };
export type { Document, Page };
export type DocumentWithPages = Document & { pages: Page[] };

export const terminalStatuses: readonly DocumentStatus[] = [
  DocumentStatus.succeeded,
  DocumentStatus.failed,
  DocumentStatus.cancelled,
];

export interface NewDocument {
  id: string;
  title: string;
  filename: string;
  sourceKey: string;
  sourceBytes: number;
  idempotencyKey?: string;
  /** Recognise the text of each text detection (default false). */
  ocr?: boolean;
}

export interface PageRecord {
  number: number;
  width: number;
  height: number;
  scale: number;
  detectionCount: number;
  imageKey: string;
  jsonKey: string;
  timings?: { renderMs: number; inferenceMs: number; annotateMs: number; uploadMs: number };
}

export type CancelResult = "cancelled" | "already_cancelled" | "finished" | "not_found";

/** Every write to a Document goes through here, so the status rules live in one place. */
export class DocumentRepository {
  constructor(private readonly db: Db) {}

  create(input: NewDocument): Promise<Document> {
    return this.db.document.create({ data: { ...input, status: DocumentStatus.queued } });
  }

  /** The document and its pages (in order). In SQL over the client's pool where it has one (document-read.ts). */
  find(id: string): Promise<DocumentWithPages | null> {
    const pool = poolOf(this.db);
    if (pool) return readDocumentWithPages(pool, id);
    return this.findThroughPrisma(id);
  }

  /** The same read through Prisma: inside a transaction, and as the reference the SQL read is tested against. */
  findThroughPrisma(id: string): Promise<DocumentWithPages | null> {
    return this.db.document.findUnique({ where: { id }, include: { pages: { orderBy: { number: "asc" } } } });
  }

  findByIdempotencyKey(idempotencyKey: string): Promise<Document | null> {
    return this.db.document.findUnique({ where: { idempotencyKey } });
  }

  async statusOf(id: string): Promise<DocumentStatus | undefined> {
    return (await this.db.document.findUnique({ where: { id }, select: { status: true } }))?.status;
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
   * queued|processing → processing. Returns null when the document is finished or cancelled (nothing to do),
   * so a re-delivered job for a finished document is a no-op.
   */
  async claim(id: string, detector: string): Promise<Document | null> {
    const now = new Date();
    const claimed = await this.db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.queued, DocumentStatus.processing] } },
      data: { status: DocumentStatus.processing, detector, attempts: { increment: 1 } },
    });
    if (claimed.count === 0) return null;
    await this.db.document.updateMany({ where: { id, startedAt: null }, data: { startedAt: now } });
    return this.db.document.findUnique({ where: { id } });
  }

  async setPageCount(id: string, pageCount: number): Promise<void> {
    await this.db.document.update({ where: { id }, data: { pageCount } });
  }

  /** Upsert the page (re-delivery never duplicates) and advance pagesDone; it never goes backwards. */
  async recordPage(documentId: string, page: PageRecord): Promise<void> {
    const { timings, ...fields } = page;
    const row = { ...fields, ...timings };
    await this.db.$transaction([
      this.db.page.upsert({
        where: { documentId_number: { documentId, number: page.number } },
        create: { documentId, ...row },
        update: row,
      }),
      this.db.document.updateMany({
        where: { id: documentId, pagesDone: { lt: page.number } },
        data: { pagesDone: page.number },
      }),
    ]);
  }

  async markSucceeded(id: string): Promise<boolean> {
    const r = await this.db.document.updateMany({
      where: { id, status: DocumentStatus.processing },
      data: { status: DocumentStatus.succeeded, finishedAt: new Date(), errorCode: null, errorMessage: null },
    });
    return r.count === 1;
  }

  /** Terminal failure with a short machine-readable code. Succeeded or cancelled documents stay as they are. */
  async markFailed(id: string, code: string, message: string): Promise<boolean> {
    const r = await this.db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.queued, DocumentStatus.processing] } },
      data: { status: DocumentStatus.failed, errorCode: code, errorMessage: message, finishedAt: new Date() },
    });
    return r.count === 1;
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

  /** Unfinished documents not touched for `olderThanMs`: candidates for re-queueing when their job vanished. */
  unfinishedOlderThan(olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]> {
    return this.db.document.findMany({
      where: {
        status: { in: [DocumentStatus.queued, DocumentStatus.processing] },
        updatedAt: { lt: new Date(Date.now() - olderThanMs) },
      },
      select: { id: true, status: true },
      orderBy: { updatedAt: "asc" },
      take: limit,
    });
  }
}
