import type pg from "pg";
import { documentColumns, pageColumns, unfinishedSql, type Document, type DocumentStatus, type DocumentWithPages, type Page } from "./document-row";

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

/** A document row and a version of it that changes with every write to the document or its pages. */
export interface VersionedDocument {
  document: Document;
  version: string;
}

/**
 * A row and its pages are two reads, and a page recorded between them (its row and `pagesDone` are written in one
 * transaction) makes them disagree, which the ranges of a split document recording pages at once make likely.
 * Readers read again until `pagesDone` is the number of pages read, a few times at most.
 */
const CONSISTENT_READS = 3;

/** The document with its pages in page order, or null. Both queries run at once, on two pooled connections. */
export async function readDocumentWithPages(pool: pg.Pool, id: string): Promise<DocumentWithPages | null> {
  for (let read = 1; ; read++) {
    const [documents, pages] = await Promise.all([pool.query<Document>(documentSql, [id]), pool.query<Page>(pagesSql, [id])]);
    const document = documents.rows[0];
    if (!document) return null;
    if (document.pagesDone === pages.rows.length || read >= CONSISTENT_READS) return { ...document, pages: pages.rows };
  }
}

/** The document row alone (one indexed read) with its version, or null. */
export async function readVersionedDocument(pool: pg.Pool, id: string): Promise<VersionedDocument | null> {
  const { rows } = await pool.query<Document & { rowVersion: string }>(versionedDocumentSql, [id]);
  const row = rows[0];
  if (!row) return null;
  const { rowVersion, ...document } = row;
  return { document, version: rowVersion };
}

/**
 * The pages of a row just read with its version, in page order; when a page was recorded in between, the row is read
 * again (its newer version is returned with the pages that agree with it).
 */
export async function readPagesOf(pool: pg.Pool, row: VersionedDocument): Promise<{ row: VersionedDocument; pages: Page[] }> {
  let current = row;
  for (let read = 1; ; read++) {
    const pages = (await pool.query<Page>(pagesSql, [current.document.id])).rows;
    if (current.document.pagesDone === pages.length || read >= CONSISTENT_READS) return { row: current, pages };
    current = (await readVersionedDocument(pool, current.document.id)) ?? current;
  }
}

/** The numbers of the pages recorded from `first` to `last`: what a range resumes after. */
export async function readRecordedPages(pool: pg.Pool, id: string, first: number, last: number): Promise<number[]> {
  const { rows } = await pool.query<{ number: number }>(
    "SELECT number FROM pages WHERE document_id = $1 AND number BETWEEN $2 AND $3 ORDER BY number",
    [id, first, last],
  );
  return rows.map((r) => r.number);
}

export async function readStatus(pool: pg.Pool, id: string): Promise<DocumentStatus | undefined> {
  const { rows } = await pool.query<{ status: DocumentStatus }>("SELECT status FROM documents WHERE id = $1", [id]);
  return rows[0]?.status;
}

/** Unfinished documents not touched for `olderThanMs`: candidates for re-queueing when their job vanished. */
export async function readUnfinishedOlderThan(pool: pg.Pool, olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]> {
  const { rows } = await pool.query<Pick<Document, "id" | "status">>(
    `SELECT id, status FROM documents WHERE status IN ${unfinishedSql} AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
    [new Date(Date.now() - olderThanMs), limit],
  );
  return rows;
}
