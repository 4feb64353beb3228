import type { Prisma } from "./generated/prisma/client";
import { DocumentStatus, type Document, type DocumentWithPages, type NewDocument } from "./document-row";

/*
 * The web's transitions of a document, on Prisma: → queued (create), → succeeded as a copy (createReused), queued|processing → cancelled,
 * failed|cancelled → queued (retry), queued → failed when the job could not be enqueued. Only the web calls them
 * (through DocumentRepository, `@pagewise/db`); the worker's are in worker-transitions.ts, and no transition is in
 * both. Each takes any Prisma client, a transaction's included, so a document can be created inside one.
 */
type Client = Prisma.TransactionClient;

/** Where a reused page's objects were copied to (null: the original page had none). */
export interface ReusedPageKeys {
  number: number;
  imageKey: string | null;
  jsonKey: string | null;
}

export const webTransitions = {
  create(db: Client, input: NewDocument): Promise<Document> {
    return db.document.create({ data: { ...input, status: DocumentStatus.queued } });
  },

  /**
   * → succeeded, holding copies of `from`'s results (the caller has already copied the objects to `pages`' keys),
   * marked reusedFrom. One INSERT with its pages (atomic; works on a transaction's client too).
   */
  createReused(db: Client, input: NewDocument, from: DocumentWithPages, pages: ReusedPageKeys[]): Promise<Document> {
    const keys = new Map(pages.map((p) => [p.number, p]));
    const now = new Date();
    return db.document.create({
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
  },

  /** queued|processing → cancelled. False when it was neither (finished, cancelled already, or no such document). */
  async cancel(db: Client, id: string): Promise<boolean> {
    const r = await db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.queued, DocumentStatus.processing] } },
      data: { status: DocumentStatus.cancelled, finishedAt: new Date() },
    });
    return r.count === 1;
  },

  /** failed|cancelled → queued, keeping the pages done (the job resumes after them). */
  async requeue(db: Client, id: string): Promise<boolean> {
    const r = await db.document.updateMany({
      where: { id, status: { in: [DocumentStatus.failed, DocumentStatus.cancelled] } },
      data: { status: DocumentStatus.queued, errorCode: null, errorMessage: null, finishedAt: null },
    });
    return r.count === 1;
  },

  /** queued → failed `enqueue_failed`: the row was written and its job could not be; no worker can hold it. */
  async failEnqueue(db: Client, id: string, message: string): Promise<boolean> {
    const r = await db.document.updateMany({
      where: { id, status: DocumentStatus.queued },
      data: { status: DocumentStatus.failed, errorCode: "enqueue_failed", errorMessage: message, finishedAt: new Date() },
    });
    return r.count === 1;
  },
};
