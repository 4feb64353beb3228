import type pg from "pg";
import { cancelUnfinishedSql } from "./web-transitions";

/** A deleted document whose stored objects may still exist (document_deletions). */
export interface PendingDeletion {
  documentId: string;
  prefixes: string[];
  attempts: number;
}

/** The storage folder of a key: `documents/<id>/` for an upload through the API, `uploads/<id>/` for a direct one. */
const folderOf = (key: string) => key.slice(0, key.lastIndexOf("/") + 1);

/**
 * Deletion of documents, in SQL over pg (web and worker): DELETE /api/documents/{id} and retention both go through
 * `remove` and then `deleteDocument` (delete-document.ts).
 */
export class PgDocumentDeletions {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * In one transaction: lock the row (waiting for a worker that is storing a page: recordPageExclusively holds it
   * share-locked), cancel it when it is queued or processing (its `document.cancelled` event), record the prefixes
   * to delete in storage, and delete the row with its pages and upload (the API answers 404 from the commit on).
   * Null when there is no such document.
   */
  async remove(documentId: string): Promise<PendingDeletion | null> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const { rows } = await client.query<{ status: string; sourceKey: string }>(
        `SELECT status, source_key AS "sourceKey" FROM documents WHERE id = $1 FOR UPDATE`,
        [documentId],
      );
      const doc = rows[0];
      if (!doc) {
        await client.query("ROLLBACK");
        return null;
      }
      await client.query(cancelUnfinishedSql, [documentId]); // a queued or processing document is cancelled first
      const prefixes = [...new Set([`documents/${documentId}/`, folderOf(doc.sourceKey)])].filter((p) => p.length > 0);
      await client.query(
        `INSERT INTO document_deletions (document_id, prefixes) VALUES ($1, $2)
         ON CONFLICT (document_id) DO UPDATE SET prefixes = EXCLUDED.prefixes`,
        [documentId, prefixes],
      );
      await client.query("DELETE FROM uploads WHERE document_id = $1", [documentId]);
      await client.query("DELETE FROM documents WHERE id = $1", [documentId]);
      await client.query("COMMIT");
      return { documentId, prefixes, attempts: 0 };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Its objects are gone: the deletion is complete. */
  async finished(documentId: string): Promise<void> {
    await this.pool.query("DELETE FROM document_deletions WHERE document_id = $1", [documentId]);
  }

  /** A storage call failed: housekeeping tries again. */
  async failedAttempt(documentId: string): Promise<void> {
    await this.pool.query("UPDATE document_deletions SET attempts = attempts + 1 WHERE document_id = $1", [documentId]);
  }

  /** Deletions whose storage part is not done, older than `olderThanMs` (a DELETE in progress is left to itself). */
  async pending(olderThanMs: number, limit: number): Promise<PendingDeletion[]> {
    const { rows } = await this.pool.query<PendingDeletion>(
      `SELECT document_id AS "documentId", prefixes, attempts FROM document_deletions
       WHERE requested_at < now() - make_interval(secs => $1) ORDER BY requested_at LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return rows;
  }

  /** Documents past their expiry (retention), oldest expiry first. */
  async expired(limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      "SELECT id FROM documents WHERE expires_at IS NOT NULL AND expires_at <= now() ORDER BY expires_at LIMIT $1",
      [limit],
    );
    return rows.map((r) => r.id);
  }
}
