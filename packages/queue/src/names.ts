/** Queue and job names: the one list web and worker agree on. */
export const QueueName = {
  Documents: "documents",
  /** Webhook deliveries: a queue of their own, so that a slow receiver never waits behind a document, nor one behind it. */
  Webhooks: "webhooks",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  ProcessDocument: "process-document",
  /**
   * Pages `firstPage`..`lastPage` of a document longer than SPLIT_PAGES: a child of its `process-document` job in a
   * BullMQ flow (docs/splitting.md). Job id: `rangeJobId` (never the document id).
   */
  ProcessRange: "process-range",
  Housekeeping: "housekeeping",
  DeliverWebhook: "deliver-webhook",
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];
