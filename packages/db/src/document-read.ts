import type pg from "pg";
import type { Document, DocumentWithPages, Page } from "./document-types";

/*
 * The status read (a document and its pages) in SQL over pg, bypassing Prisma's query interpreter.
 * It is the API's hottest query: clients poll it while their document is processed. Measured on a 36-page document
 * (3000 reads, 2 cores): Prisma's findUnique with `include: pages` took 1.2 ms median and 0.26 ms of garbage
 * collection per read; these two queries 0.4 ms and 0.03 ms. In the web process: 3.3 -> 2.2 ms of CPU per status
 * request, and 160-180 MB -> ~115 MB RSS under sustained polling (README, Benchmarks).
 * The columns are aliased to the Prisma model's field names and pg's default parsers give the same JS types
 * (timestamptz -> Date, float8 -> number, int4 -> number); a test compares the result with Prisma's, field by field,
 * so a column added to the schema and not here fails it.
 */
/** The documents table's columns under the Prisma model's field names (also what document-progress.ts returns). */
export const documentColumns = `id, title, filename, status, source_key AS "sourceKey", source_bytes AS "sourceBytes",
  page_count AS "pageCount", pages_done AS "pagesDone", error_code AS "errorCode", error_message AS "errorMessage",
  detector, ocr, attempts, idempotency_key AS "idempotencyKey",
  idempotency_fingerprint AS "idempotencyFingerprint", source_sha256 AS "sourceSha256", dpi,
  reused_from AS "reusedFrom", created_at AS "createdAt", started_at AS "startedAt",
  finished_at AS "finishedAt", updated_at AS "updatedAt"`;

const documentSql = `SELECT ${documentColumns} FROM documents WHERE id = $1`;

/*
 * `xmin` is the id of the transaction that wrote the row's current version: every UPDATE of the row gives it a new
 * one, so it tells two states of a document apart even within one millisecond (updatedAt is read at millisecond
 * precision). Every write of a page also updates its document (recordPage), so it versions the pages as well.
 */
const versionedDocumentSql = `SELECT ${documentColumns}, xmin::text AS "rowVersion" FROM documents WHERE id = $1`;

const pagesSql = `SELECT document_id AS "documentId", number, width, height, scale, detection_count AS "detectionCount",
  image_key AS "imageKey", json_key AS "jsonKey", render_ms AS "renderMs", inference_ms AS "inferenceMs",
  annotate_ms AS "annotateMs", upload_ms AS "uploadMs", degraded_reason AS "degradedReason",
  skipped_reason AS "skippedReason", created_at AS "createdAt"
  FROM pages WHERE document_id = $1 ORDER BY number`;

/** A document row and a version of it that changes with every write to the document or its pages. */
export interface VersionedDocument {
  document: Document;
  version: string;
}

/** The document with its pages in page order, or null. Both queries run at once, on two pooled connections. */
export async function readDocumentWithPages(pool: pg.Pool, id: string): Promise<DocumentWithPages | null> {
  const [documents, pages] = await Promise.all([pool.query(documentSql, [id]), pool.query(pagesSql, [id])]);
  const document = documents.rows[0] as Omit<DocumentWithPages, "pages"> | undefined;
  return document ? { ...document, pages: pages.rows as DocumentWithPages["pages"] } : null;
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
