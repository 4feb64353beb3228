import type pg from "pg";
import { documentColumns, readDocumentWithPages } from "./document-read";
import type { Document, DocumentStatus, DocumentWithPages, PageRecord } from "./document-types";

/*
 * A document's progress through the worker, in SQL over `pg`: claim, page count, pages, the end state, and the
 * stale-document scan of housekeeping. The worker process uses PgDocumentProgress alone, so it never loads Prisma's client
 * and its WebAssembly query compiler: measured, those cost a process ~24 MB (8 MB to load, 14 MB on the first
 * queries), 5-6 % of a 512 MB dyno that the worker and its compute child share (README, Benchmarks).
 * DocumentRepository (the web's, on Prisma) delegates the same transitions here, so each status rule is written once.
 *
 * Prisma's `@updatedAt` is set by the Prisma client, not by the database: every UPDATE here sets `updated_at` itself.
 * Enum values are SQL literals (an untyped literal coerces to the "DocumentStatus" enum; a text parameter would not).
 */
const unfinished = `('queued', 'processing')`;

/** What the worker reads and writes of a document (and what the web's DocumentRepository also offers). */
export interface DocumentProgress {
  find(id: string): Promise<DocumentWithPages | null>;
  statusOf(id: string): Promise<DocumentStatus | undefined>;
  claim(id: string, detector: string, dpi?: number): Promise<Document | null>;
  /** Records the source's sha256 where the upload did not (a direct upload without reuse). */
  setSourceSha256(id: string, sha256: string): Promise<void>;
  setPageCount(id: string, pageCount: number): Promise<void>;
  recordPage(documentId: string, page: PageRecord): Promise<void>;
  markSucceeded(id: string): Promise<boolean>;
  markFailed(id: string, code: string, message: string): Promise<boolean>;
  unfinishedOlderThan(olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]>;
}

export class PgDocumentProgress implements DocumentProgress {
  constructor(private readonly pool: pg.Pool) {}

  /** The document and its pages (in order): the status read. */
  find(id: string): Promise<DocumentWithPages | null> {
    return readDocumentWithPages(this.pool, id);
  }

  async statusOf(id: string): Promise<DocumentStatus | undefined> {
    const { rows } = await this.pool.query<{ status: DocumentStatus }>("SELECT status FROM documents WHERE id = $1", [id]);
    return rows[0]?.status;
  }

  /**
   * queued|processing → processing, one more attempt, startedAt kept from the first. Returns null when the document
   * is finished or cancelled (nothing to do), so a re-delivered job for a finished document is a no-op.
   */
  async claim(id: string, detector: string, dpi?: number): Promise<Document | null> {
    const { rows } = await this.pool.query<Document>(
      `UPDATE documents SET status = 'processing', detector = $2, dpi = COALESCE($3, dpi), attempts = attempts + 1,
         started_at = COALESCE(started_at, now()), updated_at = now()
       WHERE id = $1 AND status IN ${unfinished} RETURNING ${documentColumns}`,
      [id, detector, dpi ?? null],
    );
    return rows[0] ?? null;
  }

  async setSourceSha256(id: string, sha256: string): Promise<void> {
    await this.pool.query("UPDATE documents SET source_sha256 = $2 WHERE id = $1 AND source_sha256 IS NULL", [id, sha256]);
  }

  async setPageCount(id: string, pageCount: number): Promise<void> {
    const r = await this.pool.query("UPDATE documents SET page_count = $2, updated_at = now() WHERE id = $1", [id, pageCount]);
    if (r.rowCount !== 1) throw new Error(`no document ${id} to set the page count of`);
  }

  /**
   * Upserts the page (re-delivery never duplicates; timings not given keep what was there) and advances pagesDone,
   * which never goes backwards. One statement, so both happen or neither. The document row is written even when
   * pagesDone stays (a page done again on a retry): its version (updatedAt, xmin) then says that a page changed.
   */
  async recordPage(documentId: string, page: PageRecord): Promise<void> {
    const t = page.timings;
    await this.pool.query(
      `WITH page AS (
         INSERT INTO pages (document_id, number, width, height, scale, detection_count, image_key, json_key,
                            render_ms, inference_ms, annotate_ms, upload_ms, degraded_reason, skipped_reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (document_id, number) DO UPDATE SET width = EXCLUDED.width, height = EXCLUDED.height,
           scale = EXCLUDED.scale, detection_count = EXCLUDED.detection_count, image_key = EXCLUDED.image_key,
           json_key = EXCLUDED.json_key, degraded_reason = EXCLUDED.degraded_reason,
           skipped_reason = EXCLUDED.skipped_reason, render_ms = COALESCE(EXCLUDED.render_ms, pages.render_ms),
           inference_ms = COALESCE(EXCLUDED.inference_ms, pages.inference_ms),
           annotate_ms = COALESCE(EXCLUDED.annotate_ms, pages.annotate_ms), upload_ms = COALESCE(EXCLUDED.upload_ms, pages.upload_ms)
         RETURNING number)
       UPDATE documents SET pages_done = GREATEST(pages_done, (SELECT number FROM page)), updated_at = now()
       WHERE id = $1`,
      [
        documentId,
        page.number,
        page.width,
        page.height,
        page.scale,
        page.detectionCount,
        page.imageKey,
        page.jsonKey,
        t?.renderMs ?? null,
        t?.inferenceMs ?? null,
        t?.annotateMs ?? null,
        t?.uploadMs ?? null,
        page.degradedReason ?? null,
        page.skippedReason ?? null,
      ],
    );
  }

  /** processing → succeeded. False when the document was not processing (cancelled meanwhile, or already ended). */
  async markSucceeded(id: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE documents SET status = 'succeeded', finished_at = now(), error_code = NULL, error_message = NULL, updated_at = now()
       WHERE id = $1 AND status = 'processing'`,
      [id],
    );
    return r.rowCount === 1;
  }

  /** Terminal failure with a short machine-readable code. Succeeded or cancelled documents stay as they are. */
  async markFailed(id: string, code: string, message: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE documents SET status = 'failed', error_code = $2, error_message = $3, finished_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ${unfinished}`,
      [id, code, message],
    );
    return r.rowCount === 1;
  }

  /** Unfinished documents not touched for `olderThanMs`: candidates for re-queueing when their job vanished. */
  async unfinishedOlderThan(olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]> {
    const { rows } = await this.pool.query<Pick<Document, "id" | "status">>(
      `SELECT id, status FROM documents WHERE status IN ${unfinished} AND updated_at < $1 ORDER BY updated_at LIMIT $2`,
      [new Date(Date.now() - olderThanMs), limit],
    );
    return rows;
  }
}
