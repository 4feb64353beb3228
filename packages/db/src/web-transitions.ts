import type pg from "pg";
import type { Prisma } from "./generated/prisma/client";
import { documentColumns, DocumentStatus, unfinishedSql, type Document, type DocumentWithPages, type NewDocument } from "./document-row";

/*
 * The web's transitions of a document: → queued (create, one INSERT in SQL), queued|processing → cancelled (one
 * UPDATE in SQL, shared with a deletion), and on Prisma → succeeded as a copy (createReused), failed|cancelled →
 * queued (retry), queued → failed when the job could not be enqueued. Only the web calls them (through DocumentRepository, `@pagewise/db`); the worker's are in
 * worker-transitions.ts, and no transition is in both. Each takes any Prisma client, a transaction's included, so a
 * document can be created inside one (create also takes the pool).
 */
type Client = Prisma.TransactionClient;

/**
 * queued|processing → cancelled, as one statement: `cancel` runs it on Prisma, and a deletion runs it on its pg
 * transaction before it removes the row (document-deletions.ts), so the cancel is written in one place.
 */
export const cancelUnfinishedSql = `UPDATE documents SET status = 'cancelled', finished_at = now(), updated_at = now()
  WHERE id = $1::uuid AND status IN ${unfinishedSql}`;

/**
 * Where `create` runs its INSERT: the pool (a multipart upload), or the Prisma transaction a direct upload is
 * consumed in. One statement either way; on the pool it skips Prisma's query compiler and interpreter, which cost
 * several times the CPU of the INSERT itself on every upload (docs/benchmarks.md, Goal 3).
 */
export type InsertTarget = Pick<pg.Pool, "query"> | Client;

/** NewDocument's fields and their columns: a field added to NewDocument and not here is a compile error. */
const newDocumentColumns: { readonly [F in keyof NewDocument]-?: string } = {
  id: "id",
  title: "title",
  filename: "filename",
  sourceKey: "source_key",
  sourceBytes: "source_bytes",
  idempotencyKey: "idempotency_key",
  idempotencyFingerprint: "idempotency_fingerprint",
  ocr: "ocr",
  sourceSha256: "source_sha256",
  expiresAt: "expires_at",
  callbackUrl: "callback_url",
  webhookPages: "webhook_pages",
};
const newDocumentFields = Object.keys(newDocumentColumns) as Array<keyof NewDocument>;
/** The INSERT of the fields given, by their list; a field left out takes its column's default, as with Prisma. */
const insertSqls = new Map<string, string>();
function insertSql(fields: Array<keyof NewDocument>): string {
  const key = fields.join();
  let sql = insertSqls.get(key);
  if (sql === undefined) {
    sql = `INSERT INTO documents (status, ${fields.map((f) => newDocumentColumns[f]).join(", ")})
      VALUES ('queued', ${fields.map((_, i) => `$${i + 1}`).join(", ")}) RETURNING ${documentColumns}`;
    insertSqls.set(key, sql);
  }
  return sql;
}

/**
 * A unique constraint refused the write (a second document with the same Idempotency-Key), however it was made:
 * Prisma's model queries say P2002, its raw queries P2010 with the adapter's UniqueConstraintViolation, pg 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, meta } = (error ?? {}) as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
  if (code === "P2002" || code === "23505") return true;
  return code === "P2010" && meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation";
}

async function insertDocument(db: InsertTarget, input: NewDocument): Promise<Document> {
  const fields = newDocumentFields.filter((f) => input[f] !== undefined);
  const values = fields.map((f) => input[f]);
  const sql = insertSql(fields);
  const rows = "$queryRawUnsafe" in db ? await db.$queryRawUnsafe<Document[]>(sql, ...values) : (await db.query<Document>(sql, values)).rows;
  return rows[0]!;
}

/** Where a reused page's objects were copied to (null: the original page had none). */
export interface ReusedPageKeys {
  number: number;
  imageKey: string | null;
  jsonKey: string | null;
}

export const webTransitions = {
  create(db: InsertTarget, input: NewDocument): Promise<Document> {
    return insertDocument(db, input);
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
    return (await db.$executeRawUnsafe(cancelUnfinishedSql, id)) === 1;
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
