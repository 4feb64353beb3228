import type pg from "pg";

/** What is ahead of a queued document: documents and the pages they still have to do. */
export interface QueueAhead {
  /** Queued documents created before it (the queue is first in, first out) plus every processing one. */
  documents: number;
  /** Pages still to do in those of them whose page count is known. */
  knownPages: number;
  /** Those whose page count is not known yet (not opened). */
  unknownDocuments: number;
}

/*
 * One read over two small partial/ordinary indexes: the queued documents before this one (documents_queued_created_at_idx,
 * WHERE status = 'queued') and the processing ones (documents_status_idx). The order is BullMQ's FIFO, which follows
 * creation order; a retried or resumed job may be a little off, which an estimate can bear.
 */
const aheadSql = `SELECT count(*)::int AS documents,
    COALESCE(sum(GREATEST(page_count - pages_done, 0)) FILTER (WHERE page_count IS NOT NULL), 0)::int AS "knownPages",
    count(*) FILTER (WHERE page_count IS NULL)::int AS "unknownDocuments"
  FROM documents
  WHERE status = 'processing' OR (status = 'queued' AND (created_at, id) < ($1::timestamptz, $2::uuid))`;

export async function readQueueAhead(pool: pg.Pool, doc: { id: string; createdAt: Date | string }): Promise<QueueAhead> {
  const { rows } = await pool.query<QueueAhead>(aheadSql, [doc.createdAt, doc.id]);
  return rows[0] ?? { documents: 0, knownPages: 0, unknownDocuments: 0 };
}

/** Pages recorded in the window and the seconds between the first and the last of them, plus the mean page count. */
export interface RecentThroughput {
  pages: number;
  spanSeconds: number;
  /** Mean page count of the documents that recorded those pages (for documents whose count is not known yet). */
  meanPagesPerDocument: number | null;
}

/*
 * The pages workers recorded in the last `windowSeconds` (pages_created_at_idx), leaving out copies made by reuse
 * (their documents have reused_from) and skipped pages (no work was done).
 */
const throughputSql = `SELECT count(*)::int AS pages,
    COALESCE(EXTRACT(EPOCH FROM max(p.created_at) - min(p.created_at)), 0)::float8 AS "spanSeconds",
    avg(d.page_count) FILTER (WHERE d.page_count IS NOT NULL)::float8 AS "meanPagesPerDocument"
  FROM pages p JOIN documents d ON d.id = p.document_id
  WHERE p.created_at > now() - make_interval(secs => $1) AND d.reused_from IS NULL AND p.skipped_reason IS NULL`;

export async function readRecentThroughput(pool: pg.Pool, windowSeconds: number): Promise<RecentThroughput> {
  const { rows } = await pool.query<RecentThroughput>(throughputSql, [windowSeconds]);
  return rows[0] ?? { pages: 0, spanSeconds: 0, meanPagesPerDocument: null };
}
