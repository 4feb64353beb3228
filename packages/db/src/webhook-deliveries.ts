import type pg from "pg";

/** A webhook event for one target (webhook_deliveries, written by the database's trigger: the outbox). */
export interface WebhookDelivery {
  id: string;
  documentId: string;
  event: string;
  url: string;
  payload: unknown;
  state: WebhookDeliveryState;
  attempts: number;
}

export type WebhookDeliveryState = "pending" | "retrying" | "delivered" | "failed";

const columns = `id, document_id AS "documentId", event, url, payload, state, attempts`;

/** The deliveries' state, in SQL over pg (the worker sends them; the status answer shows the last one's). */
export class PgWebhookDeliveries {
  constructor(private readonly pool: pg.Pool) {}

  find(id: string): Promise<WebhookDelivery | undefined> {
    return this.pool.query<WebhookDelivery>(`SELECT ${columns} FROM webhook_deliveries WHERE id = $1`, [id]).then((r) => r.rows[0]);
  }

  /**
   * Ids of deliveries not finished (pending or retrying): of one document (right after its change), or of all that
   * are older than `olderThanMs` (housekeeping: a job lost with Redis). Enqueueing them again is harmless: the job id
   * is the delivery id.
   */
  async unfinished(options: { documentId?: string; olderThanMs?: number; limit?: number }): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM webhook_deliveries WHERE state IN ('pending', 'retrying')
         AND ($1::uuid IS NULL OR document_id = $1) AND created_at <= now() - make_interval(secs => $2)
       ORDER BY created_at LIMIT $3`,
      [options.documentId ?? null, (options.olderThanMs ?? 0) / 1000, options.limit ?? 100],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Records an attempt on the delivery and, when it is the document's newest delivery, on the document's row (what
   * the status answer shows). `status`: the receiver's HTTP status, null when there was none (network error, refused).
   */
  async recordAttempt(id: string, state: WebhookDeliveryState, status: number | null): Promise<void> {
    await this.pool.query(
      `WITH d AS (
         UPDATE webhook_deliveries SET state = $2, attempts = attempts + 1, last_status = $3, last_attempt_at = now()
         WHERE id = $1 RETURNING document_id, created_at, attempts, last_attempt_at)
       UPDATE documents SET webhook_state = $2, webhook_attempts = d.attempts, webhook_last_status = $3,
         webhook_last_attempt_at = d.last_attempt_at, updated_at = now()
       FROM d WHERE documents.id = d.document_id AND NOT EXISTS (
         SELECT 1 FROM webhook_deliveries newer WHERE newer.document_id = d.document_id AND newer.created_at > d.created_at)`,
      [id, state, status],
    );
  }

  /** Removes finished deliveries (delivered or given up) older than `olderThanMs`; returns how many. */
  async prune(olderThanMs: number): Promise<number> {
    const r = await this.pool.query(
      `DELETE FROM webhook_deliveries WHERE state IN ('delivered', 'failed') AND created_at < now() - make_interval(secs => $1)`,
      [olderThanMs / 1000],
    );
    return r.rowCount ?? 0;
  }
}
