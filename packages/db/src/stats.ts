import type { Db } from "./client";
import { DocumentStatus } from "./generated/prisma/client";

/** Read-only: how many documents are in each status (every status present, zero when none), for /metrics. */
export async function countDocumentsByStatus(db: Db): Promise<Record<DocumentStatus, number>> {
  const counts = Object.fromEntries(Object.values(DocumentStatus).map((s) => [s, 0])) as Record<DocumentStatus, number>;
  const rows = await db.document.groupBy({ by: ["status"], _count: { _all: true } });
  for (const row of rows) counts[row.status] = row._count._all;
  return counts;
}
