import type pg from "pg";
import { documentColumns, unfinishedSql, type Document, type PageRecord } from "./document-row";

/*
 * The worker's transitions of a document, in SQL over `pg`: queued|processing → processing (claim), the source's sha256, the page count,
 * each page, processing → succeeded, queued|processing → failed. Only the worker calls them (through
 * PgDocumentProgress, `@pagewise/db/progress`); the web's are in web-transitions.ts, and no transition is in both.
 * SQL, not Prisma: the worker process never loads Prisma's client and its WebAssembly query compiler, memory the worker
 * and its compute child would take from one dyno (docs/benchmarks.md).
 *
 * Prisma's `@updatedAt` is set by the Prisma client, not by the database: every UPDATE here sets `updated_at` itself.
 * Enum values are SQL literals (an untyped literal coerces to the "DocumentStatus" enum; a text parameter would not).
 */

export const workerTransitions = {
  /**
   * queued|processing → processing, one more attempt, startedAt kept from the first. Returns null when the document
   * is finished or cancelled (nothing to do), so a re-delivered job for a finished document is a no-op.
   */
  async claim(pool: pg.Pool, id: string, detector: string, dpi?: number): Promise<Document | null> {
    const { rows } = await pool.query<Document>(
      `UPDATE documents SET status = 'processing', detector = $2, dpi = COALESCE($3, dpi), attempts = attempts + 1,
         started_at = COALESCE(started_at, now()), updated_at = now()
       WHERE id = $1 AND status IN ${unfinishedSql} RETURNING ${documentColumns}`,
      [id, detector, dpi ?? null],
    );
    return rows[0] ?? null;
  },

  /** Records the source's sha256 where the upload did not (a direct upload without reuse). */
  async setSourceSha256(pool: pg.Pool, id: string, sha256: string): Promise<void> {
    await pool.query("UPDATE documents SET source_sha256 = $2 WHERE id = $1 AND source_sha256 IS NULL", [id, sha256]);
  },

  async setPageCount(pool: pg.Pool, id: string, pageCount: number): Promise<void> {
    const r = await pool.query("UPDATE documents SET page_count = $2, updated_at = now() WHERE id = $1", [id, pageCount]);
    if (r.rowCount !== 1) throw new Error(`no document ${id} to set the page count of`);
  },

  /**
   * Upserts the page (re-delivery never duplicates; timings not given keep what was there) and counts it in pagesDone
   * when it is new: pagesDone is the number of page rows, not the highest page, because the ranges of a split
   * document finish out of order (docs/splitting.md). One statement, so both happen or neither; concurrent ranges
   * each add one (the UPDATE re-reads the row another committed). The document row is written even when pagesDone
   * stays (a page done again on a retry): its version (updatedAt, xmin) then says that a page changed, and its
   * trigger notifies the web.
   */
  async recordPage(pool: Pick<pg.Pool, "query">, documentId: string, page: PageRecord): Promise<void> {
    const t = page.timings;
    await pool.query(
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
         RETURNING (xmax = 0) AS inserted)
       UPDATE documents SET pages_done = pages_done + (SELECT CASE WHEN inserted THEN 1 ELSE 0 END FROM page), updated_at = now()
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
  },

  /**
   * Uploads a page's objects and records it while the document row is share-locked, so that a deletion (which locks
   * the row for update, document-deletions.ts) waits until the page is stored and recorded, and a page that starts
   * after a deletion finds no row and stores nothing: no object is ever written under a deleted document's prefix.
   * False, with nothing uploaded, when the document is gone. `FOR KEY SHARE`, the weakest lock a deletion's
   * `FOR UPDATE` waits for: two ranges of a split document recording pages at once each then update the row in turn,
   * where two `FOR SHARE` holders would deadlock upgrading to the UPDATE's lock.
   */
  async recordPageExclusively(pool: pg.Pool, documentId: string, page: PageRecord, upload: () => Promise<void>): Promise<boolean> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const { rowCount } = await client.query("SELECT 1 FROM documents WHERE id = $1 FOR KEY SHARE", [documentId]);
      if (rowCount !== 1) {
        await client.query("ROLLBACK");
        return false;
      }
      await upload();
      await workerTransitions.recordPage(client, documentId, page);
      await client.query("COMMIT");
      return true;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  },

  /** processing → succeeded. False when the document was not processing (cancelled meanwhile, or already ended). */
  async markSucceeded(pool: pg.Pool, id: string): Promise<boolean> {
    const r = await pool.query(
      `UPDATE documents SET status = 'succeeded', finished_at = now(), error_code = NULL, error_message = NULL, updated_at = now()
       WHERE id = $1 AND status = 'processing'`,
      [id],
    );
    return r.rowCount === 1;
  },

  /** queued|processing → failed with a short machine-readable code. Succeeded or cancelled documents stay as they are. */
  async markFailed(pool: pg.Pool, id: string, code: string, message: string): Promise<boolean> {
    const r = await pool.query(
      `UPDATE documents SET status = 'failed', error_code = $2, error_message = $3, finished_at = now(), updated_at = now()
       WHERE id = $1 AND status IN ${unfinishedSql}`,
      [id, code, message],
    );
    return r.rowCount === 1;
  },
};
