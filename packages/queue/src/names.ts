/** Queue and job names: the one list web and worker agree on. */
export const QueueName = {
  Documents: "documents",
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const JobName = {
  ProcessDocument: "process-document",
  Housekeeping: "housekeeping",
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];
