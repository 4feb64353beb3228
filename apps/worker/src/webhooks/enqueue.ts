import type { PgWebhookDeliveries } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { WebhookQueue } from "@pagewise/queue";

/**
 * The one function from a document's transition to its webhook jobs: the database wrote the events with the
 * transition (webhook_deliveries, trigger `documents_webhook_event`); this enqueues those not finished, of one document
 * (called on its change notification) or of all older than `olderThanMs` (housekeeping: jobs lost with Redis, or
 * changes missed while no worker listened). The job id is the delivery id, so enqueueing twice is one job.
 */
export async function enqueueWebhookDeliveries(
  deps: { deliveries: Pick<PgWebhookDeliveries, "unfinished">; queue: Pick<WebhookQueue, "enqueueDelivery">; log: Logger },
  which: { documentId: string } | { olderThanMs: number },
): Promise<number> {
  const ids = await deps.deliveries.unfinished({ ...which, limit: 500 });
  for (const deliveryId of ids) await deps.queue.enqueueDelivery({ deliveryId });
  if (ids.length && "olderThanMs" in which) deps.log.info({ deliveries: ids.length }, "enqueued webhook deliveries that had no job");
  return ids.length;
}
