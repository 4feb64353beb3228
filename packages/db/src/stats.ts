import type pg from "pg";
import type { Db } from "./client";
import { unfinishedSql } from "./document-row";
import { DocumentStatus } from "./generated/prisma/client";

/** Read-only: how many documents are in each status (every status present, zero when none), for /metrics. */
export async function countDocumentsByStatus(db: Db): Promise<Record<DocumentStatus, number>> {
  const counts = Object.fromEntries(Object.values(DocumentStatus).map((s) => [s, 0])) as Record<DocumentStatus, number>;
  const rows = await db.document.groupBy({ by: ["status"], _count: { _all: true } });
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}

/** The work waiting for workers, from PostgreSQL (the API's truth), for /metrics and autoscalers. */
export interface PagesWaiting {
  /** Pages not done yet of the queued and processing documents whose page count is known. */
  pages: number;
  /** Queued or processing documents whose page count is not known yet (no worker has opened them). */
  documentsUnopened: number;
}

/*
 * One read over documents_status_idx: the rows of unfinished documents only (a backlog, not the table). A document
 * whose page count is unknown adds nothing to the sum (NULL) and is counted apart.
 */
const pagesWaitingSql = `SELECT COALESCE(sum(GREATEST(page_count - pages_done, 0)), 0)::int AS pages,
    count(*) FILTER (WHERE page_count IS NULL)::int AS "documentsUnopened"
  FROM documents WHERE status IN ${unfinishedSql}`;

export async function readPagesWaiting(pool: pg.Pool): Promise<PagesWaiting> {
  const { rows } = await pool.query<PagesWaiting>(pagesWaitingSql);
  return rows[0] ?? { pages: 0, documentsUnopened: 0 };
}
