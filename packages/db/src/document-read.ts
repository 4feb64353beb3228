import type pg from "pg";
import { documentColumns, pageColumns, type Document, type DocumentStatus, type DocumentWithPages, type Page } from "./document-row";

/*
 * The reads both processes make often, in SQL over pg, bypassing Prisma's query interpreter (the worker loads no
 * Prisma client at all). The status read is the API's hottest query: clients poll it while their document is
 * processed; Prisma's findUnique with `include: pages` costs several times the CPU and garbage of these queries
 * (docs/benchmarks.md). They return the model types of document-row.ts; a test also compares them with Prisma's
 * reads, field by field.
 */
const documentSql = `SELECT ${documentColumns} FROM documents WHERE id = $1`;

/*
 * `xmin` is the id of the transaction that wrote the row's current version: every UPDATE of the row gives it a new
 * one, so it tells two states of a document apart even within one millisecond (updatedAt is read at millisecond
 * precision). Every write of a page also updates its document (recordPage), so it versions the pages as well.
 */
const versionedDocumentSql = `SELECT ${documentColumns}, xmin::text AS "rowVersion" FROM documents WHERE id = $1`;

const pagesSql = `SELECT ${pageColumns} FROM pages WHERE document_id = $1 ORDER BY number`;

const unfinished = `('queued', 'processing')`;

/** A document row and a version of it that changes with every write to the document or its pages. */
export interface VersionedDocument {
  document: Document;
  version: string;
}

/** The document with its pages in page order, or null. Both queries run at once, on two pooled connections. */
export async function readDocumentWithPages(pool: pg.Pool, id: string): Promise<DocumentWithPages | null> {
  const [documents, pages] = await Promise.all([pool.query<Document>(documentSql, [id]), pool.query<Page>(pagesSql, [id])]);
  const document = documents.rows[0];
  return document ? { ...document, pages: pages.rows } : null;
}

/** The document row alone (one indexed read) with its version, or null. */
export async function readVersionedDocument(pool: pg.Pool, id: string): Promise<VersionedDocument | null> {
  const { rows } = await pool.query<Document & { rowVersion: string }>(versionedDocumentSql, [id]);
  const row = rows[0];
  if (!row) return null;
  const { rowVersion, ...document } = row;
  return { document, version: rowVersion };
}

/** A document's pages in page order. */
export async function readPages(pool: pg.Pool, id: string): Promise<Page[]> {
  return (await pool.query<Page>(pagesSql, [id])).rows;
}

export async function readStatus(pool: pg.Pool, id: string): Promise<DocumentStatus | undefined> {
  const { rows } = await pool.query<{ status: DocumentStatus }>("SELECT status FROM documents WHERE id = $1", [id]);
  return rows[0]?.status;
}

/** Unfinished documents not touched for `olderThanMs`: candidates for re-queueing when their job vanished. */
export async function readUnfinishedOlderThan(pool: pg.Pool, olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]> {
  const { rows } = await pool.query<Pick<Document, "id" | "status">>(
    `SELECT id, status FROM documents WHERE status IN ${unfinished} AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
    [new Date(Date.now() - olderThanMs), limit],
  );
  return rows;
}
